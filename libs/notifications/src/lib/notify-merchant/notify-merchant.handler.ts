import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Clock } from '@penalty/domain';
import { EventRejection, type InboundEvent } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { publishNotificationSent } from '../notification-sent.event';
import { isDecisionEvent, planDecisionNotification, type ContactDetails } from './decision-notification';

/**
 * Tells the merchant about one decision (penalty assessed or adjusted, sanction imposed or lifted):
 * one notification per channel. The inbox copy is delivered by being written, so it is DELIVERED at
 * once and its notification.sent.v1 goes to the outbox in this transaction; a webhook copy starts
 * PENDING for the delivery worker. Runs inside the inbox transaction of the consumed batch.
 */
@Injectable()
export class NotifyMerchantHandler {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async handle(manager: EntityManager, inbound: InboundEvent): Promise<void> {
    const { event } = inbound;
    if (!isDecisionEvent(event.type)) throw new EventRejection('NOTIFICATION.UNKNOWN_CAUSE', `no notification for ${event.type}`);
    const merchantId = event.subject;
    const [contact]: ContactDetails[] = await manager.query(
      'SELECT email, phone, webhook_url AS "webhookUrl", locale FROM merchant_contact WHERE merchant_id = $1',
      [merchantId],
    );
    const plan = planDecisionNotification(event, contact ?? null);
    const now = this.clock.now();
    // The webhook receives the decision exactly as it was published.
    const payload = inbound.raw.toString('utf8');

    for (const channel of plan.channels) {
      const delivered = channel === 'INBOX';
      const inserted: { notification_id: string }[] = await manager.query(
        `INSERT INTO notification (notification_id, merchant_id, channel, template, cause_event_id, cause_type, title, body, payload,
                                   status, attempts, next_attempt_at, created_at, delivered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (cause_event_id, channel) DO NOTHING
         RETURNING notification_id`,
        [
          randomUUID(), merchantId, channel, plan.template, event.id, event.type, plan.title, plan.body, payload,
          delivered ? 'DELIVERED' : 'PENDING', delivered ? 1 : 0, delivered ? null : now, now, delivered ? now : null,
        ],
      );
      if (delivered && inserted.length > 0) {
        await publishNotificationSent(
          manager,
          { notification_id: inserted[0].notification_id, merchant_id: merchantId, channel, template: plan.template, cause_event_id: event.id, status: 'DELIVERED', attempts: 1 },
          now,
        );
      }
    }
  }
}
