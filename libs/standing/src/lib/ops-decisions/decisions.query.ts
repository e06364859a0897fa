import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { BUCKET_UNITS, DECISION_RANGES, type BucketUnit, type DecisionRange } from './decision-ranges';

export const MAX_SANCTIONS_PAGE = 200;
export const MAX_SANCTIONS_OFFSET = 10_000;

const RANGE_DOC = {
  enum: DECISION_RANGES,
  default: '24h',
  description: 'The last hour by minute, the last 24 hours by hour, the last 7 or 30 days by day (Asia/Shanghai); each range ends with the current bucket',
};

/** GET /v1/ops/decisions: the range of the charts. */
export class DecisionsQuery {
  @ApiPropertyOptional(RANGE_DOC)
  @IsOptional()
  @IsIn(DECISION_RANGES)
  range?: DecisionRange;
}

/** GET /v1/ops/decisions/sanctions: the sanctions behind one bar of the charts, a page of them. */
export class DecisionSanctionsQuery extends DecisionsQuery {
  @ApiPropertyOptional({ description: "Only this node's sanctions (a `node` of the decisions' `byNode`)", minLength: 1, maxLength: 64 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  node?: string;

  @ApiPropertyOptional({ description: "Only this bucket's sanctions: a `start` of the decisions' `buckets` for the same range (RFC 3339)" })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'bucket must be an RFC 3339 date-time' })
  bucket?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_SANCTIONS_PAGE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_SANCTIONS_PAGE)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_SANCTIONS_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0)
  @Max(MAX_SANCTIONS_OFFSET)
  offset?: number;
}

export class NodeDecisionsDto {
  @ApiProperty({ description: "A ladder node ('12', or 'GENERAL 5' for a GENERAL ladder's) or the kind of a sanction outside the ladders" }) node: string;
  @ApiProperty({ type: 'integer' }) sanctions: number;
  @ApiProperty({ type: 'integer' }) finesFen: number;
}

export class DayDecisionsDto {
  @ApiProperty({ description: 'YYYY-MM-DD, Asia/Shanghai' }) day: string;
  @ApiProperty({ type: 'integer' }) sanctions: number;
  @ApiProperty({ type: 'integer' }) finesFen: number;
}

export class BucketDecisionsDto {
  @ApiProperty({ description: "The bucket's start (RFC 3339, +08:00)" }) start: string;
  @ApiProperty({ type: 'integer' }) sanctions: number;
  @ApiProperty({ type: 'integer' }) finesFen: number;
}

export class DecisionsDto {
  @ApiProperty({ type: [NodeDecisionsDto], description: 'Today (Asia/Shanghai), by node' }) today: NodeDecisionsDto[];
  @ApiProperty({ type: [DayDecisionsDto], description: 'Each of the last 30 days, oldest first' }) days: DayDecisionsDto[];
  @ApiProperty({ enum: DECISION_RANGES, description: 'The range of `byNode` and `buckets`' }) range: DecisionRange;
  @ApiProperty({ enum: BUCKET_UNITS, description: "The buckets' length" }) bucket: BucketUnit;
  @ApiProperty({ description: "The range's start, inclusive (RFC 3339, +08:00)" }) from: string;
  @ApiProperty({ description: "The range's end, exclusive: the end of the current bucket (RFC 3339, +08:00)" }) to: string;
  @ApiProperty({ type: [NodeDecisionsDto], description: 'In the range, by node, most sanctions first' }) byNode: NodeDecisionsDto[];
  @ApiProperty({ type: [BucketDecisionsDto], description: 'Each bucket of the range, oldest first' }) buckets: BucketDecisionsDto[];
}

export class DecisionSanctionDto {
  @ApiProperty() sanctionId: string;
  @ApiProperty() merchantId: string;
  @ApiProperty({ description: "The merchant's marketplace (its profile's, else the deployment's default)" }) marketplace: string;
  @ApiProperty({ description: 'As in the decisions\' `byNode`' }) node: string;
  @ApiProperty({ type: [String], description: 'The measures the sanction imposed, by type' }) measures: string[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'The fine in fen' }) fineFen: number | null;
  @ApiProperty({ description: 'When it was decided (RFC 3339, +08:00)' }) decidedAt: string;
}

export class DecisionSanctionsPageDto {
  @ApiProperty({ type: [DecisionSanctionDto], description: 'Newest first' }) items: DecisionSanctionDto[];
  @ApiProperty({ type: 'integer', description: 'Sanctions matching, over every page' }) total: number;
  @ApiProperty({ type: 'integer' }) limit: number;
  @ApiProperty({ type: 'integer' }) offset: number;
}
