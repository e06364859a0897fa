import { Module } from '@nestjs/common';
import { ImposeLadderSanctionHandler } from './impose-ladder-sanction.handler';
import { LiftExpiredMeasuresWorker } from './lift-expired-measures.worker';
import { RecordMerchantProfileHandler } from './record-merchant-profile.handler';
import { SanctionConsumers } from './sanction.consumers';

@Module({
  controllers: [SanctionConsumers],
  providers: [ImposeLadderSanctionHandler, RecordMerchantProfileHandler, LiftExpiredMeasuresWorker],
})
export class SanctionsModule {}
