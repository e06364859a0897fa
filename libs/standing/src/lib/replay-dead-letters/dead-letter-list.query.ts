import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { MAX_TABLE_OFFSET, SORT_ORDERS, type SortOrder } from '@penalty/runtime';

export const DEAD_LETTER_SORTS = ['deadAt', 'sourceTopic', 'reason', 'key', 'replayedAt'] as const;
export type DeadLetterSort = (typeof DEAD_LETTER_SORTS)[number];
export const DEAD_LETTER_REPLAYED = ['yes', 'no'] as const;
export const MAX_DEAD_LETTER_PAGE = 1000;
export const DEFAULT_DEAD_LETTER_PAGE = 200;

/** GET /v1/ops/dead-letters: filters, a whitelisted sort and a page (the merchant search's parameters). */
export class DeadLetterListQuery {
  @ApiPropertyOptional({ description: 'Only the dead letters of this dead-letter topic (<topic>.dlq)', minLength: 1, maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  topic?: string;

  @ApiPropertyOptional({ description: 'Only the dead letters that came from this topic', minLength: 1, maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  sourceTopic?: string;

  @ApiPropertyOptional({ description: "Only this reason (the consumer's x-dlq-reason), e.g. SCHEMA_INVALID", minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  reason?: string;

  @ApiPropertyOptional({ enum: DEAD_LETTER_REPLAYED, description: 'yes: replayed ones only; no: those not replayed yet' })
  @IsOptional()
  @IsIn(DEAD_LETTER_REPLAYED)
  replayed?: (typeof DEAD_LETTER_REPLAYED)[number];

  @ApiPropertyOptional({ description: "Part of the message key or of the consumer's message (case-insensitive)", maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(0, 200)
  query?: string;

  @ApiPropertyOptional({ enum: DEAD_LETTER_SORTS, default: 'deadAt' })
  @IsOptional()
  @IsIn(DEAD_LETTER_SORTS)
  sort?: DeadLetterSort;

  @ApiPropertyOptional({ enum: SORT_ORDERS, description: 'Default: desc for deadAt and replayedAt, asc for the others' })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  order?: SortOrder;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_DEAD_LETTER_PAGE, default: DEFAULT_DEAD_LETTER_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_DEAD_LETTER_PAGE)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_TABLE_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0)
  @Max(MAX_TABLE_OFFSET)
  offset?: number;
}
