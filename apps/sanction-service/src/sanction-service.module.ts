import { Module } from '@nestjs/common';
import { PipelineModule, type ServiceDocs } from '@penalty/messaging';
import { APPEAL_MIGRATIONS } from '@penalty/appeals';
import { Topics } from '@penalty/contracts';
import { SANCTION_MIGRATIONS, SanctionsModule } from '@penalty/sanctions';

@Module({
  imports: [
    PipelineModule.forService({
      serviceName: 'sanction-service',
      schema: 'sanction',
      migrations: [...SANCTION_MIGRATIONS, ...APPEAL_MIGRATIONS],
      consumerGroup: 'sanction-service',
      // Read for forgery cases only; the scoring service dead-letters what cannot be parsed.
      observedTopics: [Topics.ViolationsDetectedV1],
    }),
    SanctionsModule,
  ],
})
export class SanctionServiceModule {}

/** The service's OpenAPI document's title and description (served at /docs, checked in by tools/contracts). */
export const SANCTION_SERVICE_DOCS: ServiceDocs = {
  title: 'Sanction service',
  description: 'Sanctions, deposits, qualification-forgery cases and their appeals: merchant and operator commands (audited) and the audit trail. Errors are RFC 9457 problem details.',
};
