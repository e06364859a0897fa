import 'reflect-metadata';
import { runPipelineService } from '@penalty/messaging';
import { SanctionServiceModule } from './sanction-service.module';

runPipelineService(SanctionServiceModule, {
  title: 'Sanction service',
  description: 'Operator commands on sanctions (audited) and the audit trail. Errors are RFC 9457 problem details.',
});
