import { Module } from '@nestjs/common';
import { PipelineModule } from '@penalty/messaging';
import { NotificationsModule, NotificationTables1763856300000 } from '@penalty/notifications';

@Module({
  imports: [
    PipelineModule.forService({
      serviceName: 'notification-service',
      schema: 'notification',
      migrations: [NotificationTables1763856300000],
      consumerGroup: 'notification-service',
    }),
    NotificationsModule,
  ],
})
export class NotificationServiceModule {}
