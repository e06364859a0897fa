import { Module } from '@nestjs/common';
import { StandingController } from './standing.controller';
import { StandingProjection } from './standing.projection';
import { ViolationIntakeController } from './violation-intake.controller';

@Module({ controllers: [ViolationIntakeController, StandingController, StandingProjection] })
export class StandingModule {}
