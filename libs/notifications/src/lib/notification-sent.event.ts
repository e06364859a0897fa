import type { EntityManager } from 'typeorm';
import { buildCloudEvent, EventTypes, Topics, type NotificationSentV1 } from '@penalty/contracts';
import type { NotificationChannel } from '@penalty/domain';
import { appendEventToOutbox } from '@penalty/messaging';

export const NOTIFICATION_SOURCE = 'notification-service';

/** The columns of a notification row that notification.sent.v1 reports. */
export interface SentNotification {
  notification_id: string;
  merchant_id: string;
  channel: NotificationChannel;
  template: string;
  cause_event_id: string;
  status: 'DELIVERED' | 'FAILED';
  attempts: number;
}

/** Queues notification.sent.v1 for a final outcome, in the caller's transaction (the one that wrote the outcome). */
export function publishNotificationSent(manager: EntityManager, row: SentNotification, at: Date): void {
  const data: NotificationSentV1 = {
    notificationId: row.notification_id,
    merchantId: row.merchant_id,
    channel: row.channel,
    template: row.template,
    causeEventId: row.cause_event_id,
    status: row.status,
    attempts: row.attempts,
  };
  const event = buildCloudEvent({ type: EventTypes.NotificationSentV1, source: NOTIFICATION_SOURCE, subject: row.merchant_id, data, time: at });
  appendEventToOutbox(manager, Topics.NotificationsSentV1, event);
}
