import 'reflect-metadata';
import { runPipelineService } from '@penalty/messaging';
import { ScoringServiceModule } from './scoring-service.module';

runPipelineService(ScoringServiceModule);
