import { Module } from '@nestjs/common';
import { AccessModule, AccessTables1763900600000, OperatorMarketplaces1765000300000 } from '@penalty/access';
import { PipelineModule, type ServiceDocs } from '@penalty/messaging';
import { RulebooksModule, RulebookVersions1764900100000 } from '@penalty/rulebooks';
import { DeadLetters1763900800000, StandingModule, STANDING_READ_MODEL_MIGRATIONS } from '@penalty/standing';

@Module({
  imports: [
    PipelineModule.forService({ serviceName: 'api', schema: 'api', migrations: [...STANDING_READ_MODEL_MIGRATIONS, AccessTables1763900600000, DeadLetters1763900800000, RulebookVersions1764900100000, OperatorMarketplaces1765000300000], consumerGroup: 'api-standing' }),
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
