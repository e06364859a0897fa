import { Injectable } from '@nestjs/common';
import { Topics } from '@penalty/contracts';
import type { NotificationChannel } from '@penalty/domain';
import type { Tx } from '@penalty/messaging';
import { PendingDeliveries } from '../delivery/pending-deliveries';
import { notificationSentEvent } from '../notification-sent.event';
import { NotificationRepository, type NotificationToWrite, type WrittenNotification } from '../notification.repository';

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
 * The rows of a message, one per channel. The inbox copy is delivered by being written, so it is
 * DELIVERED at once (one attempt); the others start PENDING, due now, for the delivery worker. Only
 * the webhook's row keeps the payload: it is what the webhook receives.
 */
export function notificationRowsOf(message: MerchantMessage, now: Date): NotificationToWrite[] {
  return message.channels.map((channel) => {
    const delivered = channel === 'INBOX';
    return {
      merchantId: message.merchantId,
      channel,
      template: message.template,
      causeEventId: message.causeEventId,
      causeType: message.causeType,
      title: message.title,
      body: message.body,
      payload: channel === 'WEBHOOK' ? message.payload : null,
      status: delivered ? 'DELIVERED' : 'PENDING',
      attempts: delivered ? 1 : 0,
      nextAttemptAt: delivered ? null : now,
      createdAt: now,
      deliveredAt: delivered ? now : null,
    };
  });
}

/**
 * Records messages in the caller's transaction: every row in one statement; for each new inbox row,
 * notification.sent.v1 (in the messages' order); once committed, the delivery worker is told of the
 * new PENDING rows. A message recorded before (same cause and channel) writes and publishes nothing.
 */
@Injectable()
export class NotificationRecorder {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly pending: PendingDeliveries,
  ) {}

  async record(tx: Tx, messages: readonly MerchantMessage[], now: Date): Promise<WrittenNotification[]> {
    const written = await this.notifications.insertNew(tx, messages.flatMap((message) => notificationRowsOf(message, now)));
    for (const row of written) {
      if (row.status === 'DELIVERED') tx.publish(Topics.NotificationsSentV1, notificationSentEvent({ ...row, status: 'DELIVERED' }, now));
    }
    if (written.some((row) => row.status === 'PENDING')) tx.afterCommit(() => this.pending.announce(now));
    return written;
  }
}
