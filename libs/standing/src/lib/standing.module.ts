import { Module } from '@nestjs/common';
import { DeadLetterCollector, DeadLettersController } from './dead-letters';
import { OpsViewsController } from './ops-views.controller';
import { StandingController } from './standing.controller';
import { StandingProjection } from './standing.projection';
import { ViolationIntakeController } from './violation-intake.controller';

@Module({ providers: [DeadLetterCollector], controllers: [ViolationIntakeController, StandingController, StandingProjection, OpsViewsController, DeadLettersController] })
export class StandingModule {}
