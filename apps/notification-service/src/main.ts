import 'reflect-metadata';
import { runPipelineService } from '@penalty/messaging';
import { NotificationServiceModule } from './notification-service.module';

runPipelineService(NotificationServiceModule, {
  title: 'Notification service',
  description:
    "Tells merchants about every penalty and sanction decision: an in-app inbox, and signed webhooks (x-penalty-signature) to the merchant's own systems. Publishes notification.sent.v1.",
});
