import 'reflect-metadata';
import { runPipelineService } from '@penalty/messaging';
import { ScoringServiceModule } from './scoring-service.module';

runPipelineService(ScoringServiceModule, {
  title: 'Scoring service',
  description: 'Appeals against penalties and exam-instead-of-penalty chances (audited). Errors are RFC 9457 problem details.',
});
