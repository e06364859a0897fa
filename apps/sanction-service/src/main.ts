import 'reflect-metadata';
import { runPipelineService } from '@penalty/messaging';
import { SanctionServiceModule } from './sanction-service.module';

runPipelineService(SanctionServiceModule, {
  title: 'Sanction service',
  description: 'Sanctions, deposits, qualification-forgery cases and their appeals: merchant and operator commands (audited) and the audit trail. Errors are RFC 9457 problem details.',
});
