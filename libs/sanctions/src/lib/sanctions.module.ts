import { Module } from '@nestjs/common';
import { ImposeLadderSanctionHandler } from './impose-ladder-sanction.handler';
import { LiftExpiredMeasuresWorker } from './lift-expired-measures.worker';
import { LiftMeasuresHandler, SanctionCommandsController } from './lift-measures.command';
import { RecordMerchantProfileHandler } from './record-merchant-profile.handler';
import { SanctionConsumers } from './sanction.consumers';

@Module({
  controllers: [SanctionConsumers, SanctionCommandsController],
  providers: [ImposeLadderSanctionHandler, RecordMerchantProfileHandler, LiftExpiredMeasuresWorker, LiftMeasuresHandler],
})
export class SanctionsModule {}
