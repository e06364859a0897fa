import { Module } from '@nestjs/common';
import { AccessModule, AccessTables1763900600000, OperatorMarketplaces1765000300000 } from '@penalty/access';
import { PipelineModule, type ServiceDocs } from '@penalty/messaging';
import { RulebooksModule, RulebookVersions1764900100000 } from '@penalty/rulebooks';
import { DeadLetters1763900800000, StandingExamOffers1763900500000, StandingOps1763900700000, StandingModule, StandingRemedies1763900400000, StandingAppealClaims1764900600000, StandingDirectory1764900000000, StandingSanctionTrack1764800200000, StandingTables1763856300000 } from '@penalty/standing';

@Module({
  imports: [
    PipelineModule.forService({ serviceName: 'api', schema: 'api', migrations: [StandingTables1763856300000, StandingRemedies1763900400000, StandingExamOffers1763900500000, AccessTables1763900600000, StandingOps1763900700000, DeadLetters1763900800000, StandingSanctionTrack1764800200000, StandingDirectory1764900000000, RulebookVersions1764900100000, StandingAppealClaims1764900600000, OperatorMarketplaces1765000300000], consumerGroup: 'api-standing' }),
    AccessModule,
    StandingModule,
    RulebooksModule,
  ],
})
export class ApiModule {}

/** The service's OpenAPI document's title and description (served at /docs, checked in by tools/contracts). */
export const API_DOCS: ServiceDocs = {
  title: 'Penalty platform API',
  description: 'Violation intake for systems that do not speak Kafka, merchant standing, and the rulebook versions of each marketplace. Errors are RFC 9457 problem details.',
};
