import { Module } from '@nestjs/common';
import { AppealsModule } from '@penalty/appeals';
import { SanctionAppealSubjects } from './appeal-sanctions/sanction-appeal-subjects';
import { DecisionsController } from './explain-sanctions/decisions.controller';
import { ExplainSanctionHandler } from './explain-sanctions/explain-sanction.handler';
import { SanctionTaskRunner } from './close-overdue-windows/sanction-task-runner';
import { TopUpDueHandler } from './close-overdue-windows/top-up-due.handler';
import { DepositAccountRepository } from './deposit-account.repository';
import { ForgeryCaseRepository } from './forgery-case.repository';
import { ImposeLadderSanctionsHandler } from './impose-ladder-sanctions/impose-ladder-sanctions.handler';
import { PenaltiesConsumer } from './impose-ladder-sanctions/penalties.consumer';
import { LadderRepository } from './ladder.repository';
import { LiftExpiredMeasuresWorker } from './lift-expired-measures/lift-expired-measures.worker';
import { LiftMeasuresHandler } from './lift-measures/lift-measures.handler';
import { SanctionsController } from './lift-measures/sanctions.controller';
import { MeasureExpiryAlarm } from './measure-expiry.alarm';
import { OpenForgeryCasesHandler } from './open-forgery-cases/open-forgery-cases.handler';
import { ViolationsConsumer } from './open-forgery-cases/violations.consumer';
import { DepositsController } from './record-deposit-payments/deposits.controller';
import { RecordDepositPaymentHandler } from './record-deposit-payments/record-deposit-payment.handler';
import { MerchantProfilesConsumer } from './record-merchant-profiles/merchant-profiles.consumer';
import { RecordMerchantProfilesHandler } from './record-merchant-profiles/record-merchant-profiles.handler';
import { ForgeryCasesController } from './remediate-forgery-cases/forgery-cases.controller';
import { RemediateForgeryCaseHandler } from './remediate-forgery-cases/remediate-forgery-case.handler';
import { sanctionConfigProvider } from './sanction.config';
import { SanctionBooks } from './sanction-book';
import { SanctionRepository } from './sanction.repository';

/** What the sanction service's use cases share (repositories, the sanction book); the appeal desk uses it too. */
@Module({
  providers: [SanctionRepository, DepositAccountRepository, LadderRepository, ForgeryCaseRepository, MeasureExpiryAlarm, SanctionBooks, RemediateForgeryCaseHandler],
  exports: [SanctionRepository, DepositAccountRepository, LadderRepository, ForgeryCaseRepository, MeasureExpiryAlarm, SanctionBooks, RemediateForgeryCaseHandler],
})
export class SanctionCoreModule {}

@Module({
  imports: [SanctionCoreModule, AppealsModule.forSubjects(SanctionAppealSubjects, [SanctionCoreModule])],
  controllers: [PenaltiesConsumer, MerchantProfilesConsumer, ViolationsConsumer, SanctionsController, ForgeryCasesController, DepositsController, DecisionsController],
  providers: [
    sanctionConfigProvider,
    ImposeLadderSanctionsHandler,
    RecordMerchantProfilesHandler,
    OpenForgeryCasesHandler,
    RecordDepositPaymentHandler,
    LiftMeasuresHandler,
    TopUpDueHandler,
    LiftExpiredMeasuresWorker,
    SanctionTaskRunner,
    ExplainSanctionHandler,
  ],
})
export class SanctionsModule {}
