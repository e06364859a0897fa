import 'reflect-metadata';
import { runPipelineService } from '@penalty/messaging';
import { SANCTION_SERVICE_DOCS, SanctionServiceModule } from './sanction-service.module';

runPipelineService(SanctionServiceModule, SANCTION_SERVICE_DOCS);
