import { buildCloudEvent, EventTypes, type CloudEvent, type NotificationSentV1 } from '@penalty/contracts';
import type { NotificationChannel } from '@penalty/domain';

export const NOTIFICATION_SOURCE = 'notification-service';

/** What notification.sent.v1 reports of a notification with a final outcome. */
export interface SentNotification {
  notificationId: string;
  merchantId: string;
  channel: NotificationChannel;
  template: string;
  causeEventId: string;
  status: 'DELIVERED' | 'FAILED';
  attempts: number;
}

/** notification.sent.v1 for a final outcome; published (tx.publish) in the transaction that writes the outcome. */
export function notificationSentEvent(sent: SentNotification, at: Date): CloudEvent<NotificationSentV1> {
  const data: NotificationSentV1 = {
    notificationId: sent.notificationId,
    merchantId: sent.merchantId,
    channel: sent.channel,
    template: sent.template,
    causeEventId: sent.causeEventId,
    status: sent.status,
    attempts: sent.attempts,
  };
  return buildCloudEvent({ type: EventTypes.NotificationSentV1, source: NOTIFICATION_SOURCE, subject: sent.merchantId, data, time: at });
}
