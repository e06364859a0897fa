import { Module } from '@nestjs/common';
import { NotificationTaskRunner } from './deadline-reminders/send-deadline-reminder.handler';
import { notificationConfigProvider } from './notification.config';
import { DecisionsConsumer } from './notify-merchant/decisions.consumer';
import { NotifyMerchantHandler } from './notify-merchant/notify-merchant.handler';
import { NotificationReads } from './read-notifications/notification-reads';
import { NotificationsController } from './read-notifications/notifications.controller';
import { MerchantProfilesConsumer } from './record-contact/merchant-profiles.consumer';
import { RecordMerchantContactHandler } from './record-contact/record-merchant-contact.handler';
import { NotificationDeliveryWorker } from './delivery/notification-delivery.worker';

/**
 * The notification context: contacts from merchant profiles, one notification per decision and
 * channel, deadline reminders, the webhook delivery worker and the merchant-facing reads. Needs PipelineModule (global).
 */
@Module({
  controllers: [MerchantProfilesConsumer, DecisionsConsumer, NotificationsController],
  providers: [notificationConfigProvider, RecordMerchantContactHandler, NotifyMerchantHandler, NotificationReads, NotificationDeliveryWorker, NotificationTaskRunner],
  exports: [NotificationDeliveryWorker],
})
export class NotificationsModule {}
