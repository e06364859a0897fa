import { Module } from '@nestjs/common';
import { PipelineModule } from '@penalty/messaging';
import { StandingModule, StandingRemedies1763900400000, StandingTables1763856300000 } from '@penalty/standing';

@Module({
  imports: [
    PipelineModule.forService({ serviceName: 'api', schema: 'api', migrations: [StandingTables1763856300000, StandingRemedies1763900400000], consumerGroup: 'api-standing' }),
    StandingModule,
  ],
})
export class ApiModule {}
