import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, Matches, Max, Min } from 'class-validator';
import { MARKETPLACE_PATTERN, RULEBOOK_VERSION_ID_PATTERN } from '@penalty/domain';
import { SIMULATION_MERCHANT_SORTS, type SimulationMerchantSort } from './simulation-merchants';

const MARKETPLACE = MARKETPLACE_PATTERN;
const VERSION_ID = RULEBOOK_VERSION_ID_PATTERN;
/** A date-time within the contract's range, with its offset. */
const INSTANT = /^(19[7-9]\d|20\d{2})-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** POST /v1/simulations: replay a marketplace's stored violations of a period under a draft's rule data and under the versions in force. */
export class SimulateRuleChangeRequest {
  @ApiProperty({ pattern: MARKETPLACE.source }) @Matches(MARKETPLACE, { message: 'marketplace must be 1 to 32 characters of a-z, 0-9 and -' }) marketplace: string;

  @ApiProperty({ description: "The draft's version id (as the api's rulebook store has it)", pattern: VERSION_ID.source })
  @Matches(VERSION_ID, { message: 'draftVersion must be a version id' })
  draftVersion: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "The draft's whole rule data (GET /v1/rulebooks/{marketplace}/versions/{versionId} on the api); validated as a whole" })
  @IsObject()
  ruleData: Record<string, unknown>;

  @ApiProperty({ description: 'Start of the period reported (RFC 3339); earlier violations of its natural year are replayed as history', example: '2025-12-01T00:00:00+08:00' })
  @Matches(INSTANT, { message: 'from must be an RFC 3339 date-time with an offset' })
  from: string;

  @ApiProperty({ description: 'Exclusive end (RFC 3339)', example: '2026-12-01T00:00:00+08:00' })
  @Matches(INSTANT, { message: 'to must be an RFC 3339 date-time with an offset' })
  to: string;
}

export class SimulationRunDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty() marketplace: string;
  @ApiProperty() draftVersion: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty() requestedBy: string;
  @ApiProperty() requestedAt: string;
  @ApiProperty({ enum: ['QUEUED', 'RUNNING', 'DONE', 'FAILED'] }) status: string;
  @ApiProperty({ description: '0 to 1' }) progress: number;
  @ApiProperty({ type: String, nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'DONE: what the draft would change (totals per node, fines, forgery outcomes, the merchants whose judgement changes (at most 500, differencesTotal counts all), a sample of changed decisions with reasons)',
  })
  report: Record<string, unknown> | null;
}

/** GET /v1/simulations: filters of the latest runs. */
export class SimulationListQuery {
  @ApiPropertyOptional({ pattern: MARKETPLACE.source })
  @IsOptional()
  @Matches(MARKETPLACE, { message: 'must be 1 to 32 characters of a-z, 0-9 and -' })
  marketplace?: string;

  @ApiPropertyOptional({ description: "Only the runs of this draft (its version id)", pattern: VERSION_ID.source })
  @IsOptional()
  @Matches(VERSION_ID, { message: 'draftVersion must be a version id' })
  draftVersion?: string;
}

export const MAX_SIMULATION_MERCHANT_PAGE = 500;

/** GET /v1/simulations/{runId}/merchants: a page of the merchants whose judgement the draft changes. */
export class SimulationMerchantsQuery {
  @ApiPropertyOptional({ enum: SIMULATION_MERCHANT_SORTS, default: 'merchantId', description: 'merchantId, or the change (after minus before) of GENERAL points, SERIOUS points or fines' })
  @IsOptional()
  @IsIn(SIMULATION_MERCHANT_SORTS)
  sort?: SimulationMerchantSort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_SIMULATION_MERCHANT_PAGE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_SIMULATION_MERCHANT_PAGE)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_SIMULATION_MERCHANT_PAGE, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0)
  @Max(MAX_SIMULATION_MERCHANT_PAGE)
  offset?: number;
}

export class SimulationMerchantPageDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: "Per merchant whose judgement changes: marketplace, merchantId, before and after (points per track and natural year, nodes, sanctions, fines, forgery outcomes)" })
  items: Record<string, unknown>[];
  @ApiProperty({ type: 'integer', description: 'Merchants whose judgement changes, all counted' }) total: number;
  @ApiProperty({ type: 'integer', description: 'Of them, those the report keeps (the first 500), which the pages go through' }) kept: number;
  @ApiProperty({ type: 'integer' }) limit: number;
  @ApiProperty({ type: 'integer' }) offset: number;
}
