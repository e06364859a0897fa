import { Module } from '@nestjs/common';
import { AppealsModule } from '@penalty/appeals';
import { AssessViolationHandler } from './assess-violation.handler';
import { ExamChances, ExamChancesController } from './exam-chances';
import { PenaltyAppealSubjects } from './penalty-appeals';
import { RecordExamEligibilityHandler } from './record-exam-eligibility.handler';
import { ViolationsConsumer } from './violations.consumer';

@Module({
  imports: [AppealsModule.forSubjects(PenaltyAppealSubjects)],
  controllers: [ViolationsConsumer, ExamChancesController],
  providers: [AssessViolationHandler, RecordExamEligibilityHandler, ExamChances],
})
export class ScoringModule {}
