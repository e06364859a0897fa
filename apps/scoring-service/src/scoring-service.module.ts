import { Module } from '@nestjs/common';
import { PipelineModule, type ServiceDocs } from '@penalty/messaging';
import { APPEAL_MIGRATIONS } from '@penalty/appeals';
import { ScoringModule, ScoringRemedies1763900200000, ScoringRuleIdentity1764900200000, ScoringSimulations1764900400000, ScoringTables1763856100000 } from '@penalty/scoring';

@Module({
  imports: [
    PipelineModule.forService({
      serviceName: 'scoring-service',
      schema: 'scoring',
      migrations: [ScoringTables1763856100000, ScoringRemedies1763900200000, ...APPEAL_MIGRATIONS, ScoringRuleIdentity1764900200000, ScoringSimulations1764900400000],
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
