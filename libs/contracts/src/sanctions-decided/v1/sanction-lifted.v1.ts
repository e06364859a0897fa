import { IsArray, IsIn } from 'class-validator';
import { LIFT_REASONS, MEASURE_TYPES, type LiftReason, type MeasureType } from '@penalty/domain';
import { IsEntityId, IsMerchantId } from '../../validation/identifiers';
import { IsRfc3339DateTime } from '../../validation/rfc3339-date-time';
import { SchemaDoc } from '../../validation/schema-annotations';

/** `data` of `sanction.lifted.v1` (topic `sanctions.decided.v1`). */
@SchemaDoc({ description: 'Measures of a sanction that were lifted.' })
export class SanctionLiftedV1 {
  @IsEntityId()
  sanctionId: string;

  @IsMerchantId()
  merchantId: string;

  @IsArray()
  @IsIn(MEASURE_TYPES, { each: true })
  measureTypes: MeasureType[];

  @IsIn(LIFT_REASONS)
  reason: LiftReason;

  @IsRfc3339DateTime()
  liftedAt: string;
}
