import { Module } from '@nestjs/common';
import { AppealsModule } from '@penalty/appeals';
import { AssessViolationsHandler } from './assess-violations/assess-violations.handler';
import { ViolationsConsumer } from './assess-violations/violations.consumer';
import { ExamChances, ExamChancesController } from './exam-chances';
import { DecisionsController } from './explain-assessments/decisions.controller';
import { SimulationRunner } from './simulate-rule-changes/simulation-runner';
import { SimulationRepository } from './simulate-rule-changes/simulation.repository';
import { SimulationsController } from './simulate-rule-changes/simulations.controller';
import { ExplainAssessmentHandler } from './explain-assessments/explain-assessment.handler';
import { PenaltyAppealSubjects } from './penalty-appeals';
import { MerchantProfilesConsumer } from './record-exam-eligibility/merchant-profiles.consumer';
import { RecordExamEligibilityHandler } from './record-exam-eligibility/record-exam-eligibility.handler';

@Module({
  imports: [AppealsModule.forSubjects(PenaltyAppealSubjects)],
  controllers: [ViolationsConsumer, MerchantProfilesConsumer, ExamChancesController, DecisionsController, SimulationsController],
  providers: [AssessViolationsHandler, RecordExamEligibilityHandler, ExamChances, ExplainAssessmentHandler, SimulationRepository, SimulationRunner],
})
export class ScoringModule {}
