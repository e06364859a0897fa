import { Module } from '@nestjs/common';
import { PipelineModule, type ServiceDocs } from '@penalty/messaging';
import { SCORING_MIGRATIONS, ScoringModule } from '@penalty/scoring';

@Module({
  imports: [
    PipelineModule.forService({
      serviceName: 'scoring-service',
      schema: 'scoring',
      migrations: SCORING_MIGRATIONS,
      consumerGroup: 'scoring-service',
    }),
    ScoringModule,
  ],
})
export class ScoringServiceModule {}

/** The service's OpenAPI document's title and description (served at /docs, checked in by tools/contracts). */
export const SCORING_SERVICE_DOCS: ServiceDocs = {
  title: 'Scoring service',
  description: 'Appeals against penalties and exam-instead-of-penalty chances (audited). Errors are RFC 9457 problem details.',
};
