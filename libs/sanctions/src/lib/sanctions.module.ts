import { Module } from '@nestjs/common';
import { AppealsModule } from '@penalty/appeals';
import { DepositLedger } from './deposit-ledger';
import { Deposits, DepositsController } from './deposits';
import { ForgeryCases, ForgeryCasesController } from './forgery-cases';
import { ImposeLadderSanctionHandler } from './impose-ladder-sanction.handler';
import { LiftExpiredMeasuresWorker } from './lift-expired-measures.worker';
import { LiftMeasuresHandler, SanctionCommandsController } from './lift-measures.command';
import { MeasureLifter } from './measure-lifter';
import { RecordMerchantProfileHandler } from './record-merchant-profile.handler';
import { SanctionAppealSubjects } from './sanction-appeals';
import { SanctionBook } from './sanction-book';
import { SanctionConsumers } from './sanction.consumers';
import { SanctionTaskRunner } from './sanction-task-runner';

/** What the sanction service's own pieces share; the appeal desk uses it too. */
@Module({
  providers: [MeasureLifter, DepositLedger, SanctionBook, ForgeryCases, Deposits],
  exports: [MeasureLifter, DepositLedger, SanctionBook, ForgeryCases, Deposits],
})
export class SanctionCoreModule {}

@Module({
  imports: [SanctionCoreModule, AppealsModule.forSubjects(SanctionAppealSubjects, [SanctionCoreModule])],
  controllers: [SanctionConsumers, SanctionCommandsController, ForgeryCasesController, DepositsController],
  providers: [ImposeLadderSanctionHandler, RecordMerchantProfileHandler, LiftExpiredMeasuresWorker, LiftMeasuresHandler, SanctionTaskRunner],
})
export class SanctionsModule {}
