import { Module } from '@nestjs/common';
import { PipelineModule } from '@penalty/messaging';
import { ScoringModule, ScoringTables1763856100000 } from '@penalty/scoring';

@Module({
  imports: [
    PipelineModule.forService({
      serviceName: 'scoring-service',
      schema: 'scoring',
      migrations: [ScoringTables1763856100000],
      consumerGroup: 'scoring-service',
    }),
    ScoringModule,
  ],
})
export class ScoringServiceModule {}
