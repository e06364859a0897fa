import { Module } from '@nestjs/common';
import { AssessViolationHandler } from './assess-violation.handler';
import { ViolationsConsumer } from './violations.consumer';

@Module({ controllers: [ViolationsConsumer], providers: [AssessViolationHandler] })
export class ScoringModule {}
