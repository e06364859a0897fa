import { Module } from '@nestjs/common';
import { loadConfig, MarketplaceConfig } from '@penalty/runtime';
import { DeadLetterCollector } from './collect-dead-letters/dead-letter.collector';
import { DeadLettersRepository } from './dead-letters.repository';
import { OpsViewsController } from './ops-views/ops-views.controller';
import { ProjectPenaltiesHandler } from './project-standing/project-penalties.handler';
import { ProjectProfilesHandler } from './project-standing/project-profiles.handler';
import { ProjectRemediesHandler } from './project-standing/project-remedies.handler';
import { ProjectSanctionsHandler } from './project-standing/project-sanctions.handler';
import { StandingConsumers } from './project-standing/standing.consumers';
import { StandingController } from './read-standing/standing.controller';
import { ViolationGroupCommit } from './record-violations/violation-group-commit';
import { ViolationIntakeConfig } from './record-violations/violation-intake.config';
import { ViolationsController } from './record-violations/violations.controller';
import { DeadLettersController } from './replay-dead-letters/dead-letters.controller';
import { SearchMerchantsController } from './search-merchants/search-merchants.controller';
import { StandingPointsRepository } from './standing-points.repository';
import { StandingProfileRepository } from './standing-profile.repository';
import { StandingRemediesRepository } from './standing-remedies.repository';
import { StandingSanctionsRepository } from './standing-sanctions.repository';

/**
 * The api's own features: violation intake over HTTP (group commit), the standing read model
 * projected from the decision topics, the merchant and ops views over it, and the dead letters.
 */
@Module({
  providers: [
    { provide: ViolationIntakeConfig, useFactory: () => loadConfig(ViolationIntakeConfig) },
    { provide: MarketplaceConfig, useFactory: () => loadConfig(MarketplaceConfig) },
    ViolationGroupCommit,
    StandingPointsRepository,
    StandingSanctionsRepository,
    StandingProfileRepository,
    StandingRemediesRepository,
    ProjectPenaltiesHandler,
    ProjectSanctionsHandler,
    ProjectProfilesHandler,
    ProjectRemediesHandler,
    DeadLettersRepository,
    DeadLetterCollector,
  ],
  controllers: [ViolationsController, StandingController, StandingConsumers, SearchMerchantsController, OpsViewsController, DeadLettersController],
})
export class StandingModule {}
