import { Module } from '@nestjs/common';
import { NotificationTaskRunner, SendDeadlineReminderHandler } from './deadline-reminders/send-deadline-reminder.handler';
import { NotificationDeliveryWorker } from './delivery/notification-delivery.worker';
import { PendingDeliveries } from './delivery/pending-deliveries';
import { MerchantContactRepository } from './merchant-contact.repository';
import { notificationConfigProvider } from './notification.config';
import { NotificationRepository } from './notification.repository';
import { DecisionsConsumer } from './notify-merchant/decisions.consumer';
import { NotifyMerchantHandler } from './notify-merchant/notify-merchant.handler';
import { NotificationRecorder } from './notify-merchant/record-notifications';
import { NotificationReads } from './read-notifications/notification-reads';
import { NotificationsController } from './read-notifications/notifications.controller';
import { MerchantProfilesConsumer } from './record-contact/merchant-profiles.consumer';
import { RecordMerchantContactHandler } from './record-contact/record-merchant-contact.handler';

/**
 * The notification context: contacts from merchant profiles, one notification per decision and
 * channel, deadline reminders, the delivery worker and the merchant-facing reads. Needs PipelineModule (global).
 */
@Module({
  controllers: [MerchantProfilesConsumer, DecisionsConsumer, NotificationsController],
  providers: [
    notificationConfigProvider,
    NotificationRepository,
    MerchantContactRepository,
    PendingDeliveries,
    NotificationRecorder,
    RecordMerchantContactHandler,
    NotifyMerchantHandler,
    SendDeadlineReminderHandler,
    NotificationReads,
    NotificationDeliveryWorker,
    NotificationTaskRunner,
  ],
  exports: [NotificationDeliveryWorker],
})
export class NotificationsModule {}
