import 'reflect-metadata';
import { runPipelineService } from '@penalty/messaging';
import { ApiModule } from './api.module';

runPipelineService(ApiModule, {
  title: 'Penalty platform API',
  description: 'Violation intake for systems that do not speak Kafka, and merchant standing. Errors are RFC 9457 problem details.',
});
