import 'reflect-metadata';
import { runPipelineService } from '@penalty/messaging';
import { SanctionServiceModule } from './sanction-service.module';

runPipelineService(SanctionServiceModule);
