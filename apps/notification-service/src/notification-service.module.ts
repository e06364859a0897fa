import { Module } from '@nestjs/common';
import { PipelineModule } from '@penalty/messaging';
import { NotificationPendingDue1764700000000, NotificationReminderKeys1764800000000, NotificationsModule, NotificationTables1763856300000 } from '@penalty/notifications';

@Module({
  imports: [
    PipelineModule.forService({
      serviceName: 'notification-service',
      schema: 'notification',
      migrations: [NotificationTables1763856300000, NotificationPendingDue1764700000000, NotificationReminderKeys1764800000000],
      consumerGroup: 'notification-service',
    }),
    NotificationsModule,
  ],
})
export class NotificationServiceModule {}
