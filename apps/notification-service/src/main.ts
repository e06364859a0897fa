import 'reflect-metadata';
import { runPipelineService } from '@penalty/messaging';
import { NOTIFICATION_SERVICE_DOCS, NotificationServiceModule } from './notification-service.module';

runPipelineService(NotificationServiceModule, NOTIFICATION_SERVICE_DOCS);
