import { Module } from '@nestjs/common';
import { PipelineModule } from '@penalty/messaging';
import { SanctionsModule, SanctionTables1763856200000 } from '@penalty/sanctions';

@Module({
  imports: [
    PipelineModule.forService({
      serviceName: 'sanction-service',
      schema: 'sanction',
      migrations: [SanctionTables1763856200000],
      consumerGroup: 'sanction-service',
    }),
    SanctionsModule,
  ],
})
export class SanctionServiceModule {}
