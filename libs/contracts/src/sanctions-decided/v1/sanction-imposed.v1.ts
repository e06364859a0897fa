import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CURRENCY,
  MEASURE_TYPES,
  SANCTION_CAUSE_KINDS,
  TRACKS,
  type MeasureType,
  type SanctionCauseKind,
  type Track,
} from '@penalty/domain';
import { IsEntityId, IsMarketplace, IsMerchantId, IsNonEmptyString } from '../../validation/identifiers';
import { IsRfc3339DateTime } from '../../validation/rfc3339-date-time';
import { Nullable, SchemaDoc, ValidatedOnlyIf } from '../../validation/schema-annotations';

const LADDER_NODE_KIND: SanctionCauseKind = 'LADDER_NODE';
const isLadderCause = (cause: SanctionCauseV1) => cause.kind === LADDER_NODE_KIND;

@SchemaDoc({
  description: 'node and naturalYear are present for a LADDER_NODE cause only.',
  if: { properties: { kind: { const: LADDER_NODE_KIND } }, required: ['kind'] },
  then: { required: ['node', 'naturalYear'] },
})
export class SanctionCauseV1 {
  @IsIn(SANCTION_CAUSE_KINDS)
  kind: SanctionCauseKind;

  // Optional so that causes published before the field existed still parse (they are all SERIOUS: the
  // only track with a ladder then); the platform always sets it on a LADDER_NODE cause.
  @ValidatedOnlyIf((cause: SanctionCauseV1) => isLadderCause(cause) && cause.track !== undefined)
  @IsIn(TRACKS)
  @SchemaDoc({ description: "The track whose ladder the node belongs to (LADDER_NODE only; not checked for other kinds). Absent on older events: SERIOUS." })
  track?: Track;

  // Any node of the track's ladder in the rule data: 12, 24, 36 or 48 under the default SERIOUS ladder.
  @ValidatedOnlyIf(isLadderCause)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  @SchemaDoc({ description: "The ladder node reached: a node of that track's ladder in the rule data (12, 24, 36 or 48 under the default SERIOUS ladder). LADDER_NODE only; not checked for other kinds." })
  node?: number;

  @ValidatedOnlyIf(isLadderCause)
  @IsInt()
  @SchemaDoc({ description: 'The natural year whose points reached the node (LADDER_NODE only; not checked for other kinds).' })
  naturalYear?: number;

  @IsArray()
  @IsString({ each: true })
  violationIds: string[];
}

export class SanctionMeasureV1 {
  @IsIn(MEASURE_TYPES)
  type: MeasureType;

  @IsRfc3339DateTime()
  startsAt: string;

  @Nullable()
  @IsRfc3339DateTime()
  @SchemaDoc({ description: 'null: permanent or one-off.' })
  endsAt: string | null;
}

export class SanctionFineV1 {
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  @SchemaDoc({ description: 'Amount in fen (1 CNY = 100 fen).' })
  amountFen: number;

  @IsIn([CURRENCY])
  currency: typeof CURRENCY;
}

/** `data` of `sanction.imposed.v1` (topic `sanctions.decided.v1`). */
@SchemaDoc({ description: 'A sanction imposed on a merchant.' })
export class SanctionImposedV1 {
  @IsEntityId()
  sanctionId: string;

  @IsMerchantId()
  merchantId: string;

  @IsObject()
  @ValidateNested()
  @Type(() => SanctionCauseV1)
  cause: SanctionCauseV1;

  @IsArray()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SanctionMeasureV1)
  measures: SanctionMeasureV1[];

  @Nullable()
  @IsObject()
  @ValidateNested()
  @Type(() => SanctionFineV1)
  fine: SanctionFineV1 | null;

  @IsNonEmptyString()
  ruleVersion: string;

  @IsOptional()
  @IsMarketplace()
  @SchemaDoc({ description: "Additive: the marketplace whose rulebook decided it (absent on older events: the deployment's default)." })
  marketplace?: string;

  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'ruleContentHash must be 64 lower-case hex digits' })
  @SchemaDoc({ description: "Additive: sha256 of the canonical JSON of the applied version's rule data." })
  ruleContentHash?: string;

  @IsRfc3339DateTime()
  appealDeadline: string;
}
