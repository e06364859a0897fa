import { Module } from '@nestjs/common';
import { AccessModule, AccessTables1763900600000 } from '@penalty/access';
import { PipelineModule } from '@penalty/messaging';
import { DeadLetters1763900800000, StandingExamOffers1763900500000, StandingOps1763900700000, StandingModule, StandingRemedies1763900400000, StandingSanctionTrack1764800200000, StandingTables1763856300000 } from '@penalty/standing';

@Module({
  imports: [
    PipelineModule.forService({ serviceName: 'api', schema: 'api', migrations: [StandingTables1763856300000, StandingRemedies1763900400000, StandingExamOffers1763900500000, AccessTables1763900600000, StandingOps1763900700000, DeadLetters1763900800000, StandingSanctionTrack1764800200000], consumerGroup: 'api-standing' }),
    AccessModule,
    StandingModule,
  ],
})
export class ApiModule {}
