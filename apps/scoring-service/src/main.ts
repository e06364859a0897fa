import 'reflect-metadata';
import { runPipelineService } from '@penalty/messaging';
import { SCORING_SERVICE_DOCS, ScoringServiceModule } from './scoring-service.module';

runPipelineService(ScoringServiceModule, SCORING_SERVICE_DOCS);
