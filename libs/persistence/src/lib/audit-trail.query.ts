import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { MAX_TABLE_OFFSET, SORT_ORDERS, type SortOrder } from '@penalty/runtime';

export const AUDIT_SORTS = ['occurredAt', 'actor', 'action', 'subjectType', 'merchantId'] as const;
export type AuditSort = (typeof AUDIT_SORTS)[number];
export const MAX_AUDIT_PAGE = 500;
export const DEFAULT_AUDIT_PAGE = 100;

/** GET …/audit: filters, a whitelisted sort and a page (the merchant search's parameters). */
export class AuditTrailQuery {
  @ApiPropertyOptional({ description: "Only this actor's entries", minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  actor?: string;

  @ApiPropertyOptional({ description: 'Only entries of this action, e.g. SANCTION.LIFT', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  action?: string;

  @ApiPropertyOptional({ description: 'Only entries about this kind of subject, e.g. OPERATOR', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  subjectType?: string;

  @ApiPropertyOptional({ description: "Part of the actor, the subject's id, the merchant's id or the reason (case-insensitive)", maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(0, 200)
  query?: string;

  @ApiPropertyOptional({ enum: AUDIT_SORTS, default: 'occurredAt', description: 'Sort key; ties newest first' })
  @IsOptional()
  @IsIn(AUDIT_SORTS)
  sort?: AuditSort;

  @ApiPropertyOptional({ enum: SORT_ORDERS, description: 'Default: desc for occurredAt, asc for the others' })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  order?: SortOrder;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_AUDIT_PAGE, default: DEFAULT_AUDIT_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_AUDIT_PAGE)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_TABLE_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0)
  @Max(MAX_TABLE_OFFSET)
  offset?: number;
}
