import { Module } from '@nestjs/common';
import { PipelineModule, type ServiceDocs } from '@penalty/messaging';
import { NOTIFICATION_MIGRATIONS, NotificationsModule } from '@penalty/notifications';

@Module({
  imports: [
    PipelineModule.forService({
      serviceName: 'notification-service',
      schema: 'notification',
      migrations: NOTIFICATION_MIGRATIONS,
      consumerGroup: 'notification-service',
    }),
    NotificationsModule,
  ],
})
export class NotificationServiceModule {}

/** The service's OpenAPI document's title and description (served at /docs, checked in by tools/contracts). */
export const NOTIFICATION_SERVICE_DOCS: ServiceDocs = {
  title: 'Notification service',
  description:
    "Tells merchants about every penalty and sanction decision: an in-app inbox, and signed webhooks (x-penalty-signature) to the merchant's own systems. Publishes notification.sent.v1.",
};
