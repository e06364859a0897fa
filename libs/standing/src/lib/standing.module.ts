import { Module } from '@nestjs/common';
import { OpsViewsController } from './ops-views.controller';
import { StandingController } from './standing.controller';
import { StandingProjection } from './standing.projection';
import { ViolationIntakeController } from './violation-intake.controller';

@Module({ controllers: [ViolationIntakeController, StandingController, StandingProjection, OpsViewsController] })
export class StandingModule {}
