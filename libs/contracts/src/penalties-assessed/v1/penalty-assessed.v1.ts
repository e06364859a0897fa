import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, Matches, Min, ValidateNested } from 'class-validator';
import { TRACKS, WAIVERS, type Track, type Waiver } from '@penalty/domain';
import { IsEntityId, IsMarketplace, IsMerchantId, IsNonEmptyString } from '../../validation/identifiers';
import { Nullable, SchemaDoc } from '../../validation/schema-annotations';

export class PenaltyTotalsV1 {
  @IsInt()
  @Min(0)
  general: number;

  @IsInt()
  @Min(0)
  serious: number;
}

/**
 * `data` of `penalty.assessed.v1` (one per distinct violation) and of `penalty.adjusted.v1`
 * (points already assessed changed later); topic `penalties.assessed.v1`.
 */
@SchemaDoc({ description: 'Points a violation counts for, and the merchant totals after the change.' })
export class PenaltyAssessedV1 {
  @IsEntityId()
  assessmentId: string;

  @IsEntityId()
  violationId: string;

  @IsMerchantId()
  merchantId: string;

  @IsIn(TRACKS)
  track: Track;

  @IsInt()
  @Min(0)
  @SchemaDoc({ description: 'Points this violation now counts for.' })
  points: number;

  @Nullable()
  @IsIn(WAIVERS)
  @SchemaDoc({ description: 'Why it counts for fewer points than the rule data says; null if it does not.' })
  waiver: Waiver | null;

  @IsInt()
  @SchemaDoc({ description: 'The Asia/Shanghai year of occurredAt.' })
  naturalYear: number;

  @IsObject()
  @ValidateNested()
  @Type(() => PenaltyTotalsV1)
  @SchemaDoc({ description: "The merchant's totals for that year after this change." })
  totals: PenaltyTotalsV1;

  @IsNonEmptyString()
  @SchemaDoc({ description: 'The rule version that was applied.' })
  ruleVersion: string;

  @IsOptional()
  @IsMarketplace()
  @SchemaDoc({ description: "Additive: the marketplace whose rulebook judged it (absent on older events: the deployment's default)." })
  marketplace?: string;

  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'ruleContentHash must be 64 lower-case hex digits' })
  @SchemaDoc({ description: "Additive: sha256 of the canonical JSON of the applied version's rule data (GET /v1/rulebooks/{marketplace}/versions/{ruleVersion} answers it)." })
  ruleContentHash?: string;
}
