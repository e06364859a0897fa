import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { NotificationChannel } from '@penalty/domain';
import { publishNotificationSent } from '../notification-sent.event';

/** One message to a merchant, on each of its channels. */
export interface MerchantMessage {
  merchantId: string;
  channels: NotificationChannel[];
  template: string;
  title: string;
  body: string;
  /** What the message is about; with the channel, it identifies the notification (a repeat is ignored). */
  causeEventId: string;
  causeType: string;
  /** What a webhook receives. */
  payload: string;
}

/**
 * Records a message once per channel. The inbox copy is delivered by being written, so it is DELIVERED
 * at once and its notification.sent.v1 goes to the outbox in the caller's transaction; a webhook copy
 * starts PENDING for the delivery worker.
 */
export async function recordNotifications(manager: EntityManager, message: MerchantMessage, now: Date): Promise<void> {
  for (const channel of message.channels) {
    const delivered = channel === 'INBOX';
    const inserted: { notification_id: string }[] = await manager.query(
      `INSERT INTO notification (notification_id, merchant_id, channel, template, cause_event_id, cause_type, title, body, payload,
                                 status, attempts, next_attempt_at, created_at, delivered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (cause_event_id, channel) DO NOTHING
       RETURNING notification_id`,
      [
        randomUUID(), message.merchantId, channel, message.template, message.causeEventId, message.causeType, message.title, message.body, message.payload,
        delivered ? 'DELIVERED' : 'PENDING', delivered ? 1 : 0, delivered ? null : now, now, delivered ? now : null,
      ],
    );
    if (delivered && inserted.length > 0) {
      publishNotificationSent(
        manager,
        { notification_id: inserted[0].notification_id, merchant_id: message.merchantId, channel, template: message.template, cause_event_id: message.causeEventId, status: 'DELIVERED', attempts: 1 },
        now,
      );
    }
  }
}
