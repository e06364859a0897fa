import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Clock, NotificationChannel } from '@penalty/domain';
import { cancelTasks, EventRejection, scheduleTask, type InboundEvent } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { closedReminderPrefix, deadlinesOf, reminderInstants, reminderKey } from '../deadline-reminders/deadline-of-decision';
import { deliverableChannels, NOTIFICATION_CONFIG, type NotificationConfig } from '../notification.config';
import { DEADLINE_REMINDER_TASK } from '../deadline-reminders/send-deadline-reminder.handler';
import { isDecisionEvent, planDecisionNotification, type ContactDetails } from './decision-notification';
import { recordNotifications } from './record-notifications';

/**
 * Tells the merchant about one decision (penalty assessed or adjusted, sanction imposed or lifted, a
 * remedy's new state) on each of its channels, schedules the reminders of the deadlines it opens and
 * cancels those of the deadlines it settles.
 * Runs inside the inbox transaction of the consumed batch.
 */
@Injectable()
export class NotifyMerchantHandler {
  private readonly deliverable: NotificationChannel[];

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(NOTIFICATION_CONFIG) config: NotificationConfig,
  ) {
    this.deliverable = deliverableChannels(config);
  }

  async handle(manager: EntityManager, inbound: InboundEvent): Promise<void> {
    const { event } = inbound;
    if (!isDecisionEvent(event.type)) throw new EventRejection('NOTIFICATION.UNKNOWN_CAUSE', `no notification for ${event.type}`);
    const merchantId = event.subject;
    const [contact]: ContactDetails[] = await manager.query(
      'SELECT email, phone, webhook_url AS "webhookUrl", locale FROM merchant_contact WHERE merchant_id = $1',
      [merchantId],
    );
    const plan = planDecisionNotification(event, contact ?? null, this.deliverable);
    const now = this.clock.now();
    await recordNotifications(
      manager,
      // The webhook receives the decision exactly as it was published.
      { merchantId, channels: plan.channels, template: plan.template, title: plan.title, body: plan.body, causeEventId: event.id, causeType: event.type, payload: inbound.raw.toString('utf8') },
      now,
    );

    // Close first: a rejected appeal closes the first window's reminders and opens the second's.
    const { open, close } = deadlinesOf(event);
    for (const closed of close) await cancelTasks(manager, DEADLINE_REMINDER_TASK, closedReminderPrefix(closed), now);
    for (const deadline of open) {
      for (const reminder of reminderInstants(deadline, now)) {
        await scheduleTask(manager, {
          kind: DEADLINE_REMINDER_TASK,
          key: reminderKey(deadline, reminder.leadDays),
          merchantId,
          dueAt: reminder.at,
          payload: { deadlineKind: deadline.kind, closesAt: deadline.closesAt.toISOString(), reference: deadline.reference, referenceKind: deadline.referenceKind, leadDays: reminder.leadDays },
        });
      }
    }
  }
}
