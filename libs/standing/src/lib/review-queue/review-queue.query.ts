import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { MARKETPLACE_PATTERN } from '@penalty/contracts';
import { MAX_TABLE_OFFSET, SORT_ORDERS, TablePageDto, type SortOrder } from '@penalty/runtime';

export const REVIEW_ITEM_KINDS = ['APPEAL', 'FORGERY_REMEDIATION'] as const;
export const REVIEW_SORTS = ['deadline', 'submittedAt', 'merchantId', 'kind', 'claimedBy'] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];
export const MAX_REVIEW_PAGE = 200;
/** Claimed by anyone, by nobody yet (the holder's own name filters by `claimedBy`). */
export const REVIEW_CLAIMS = ['claimed', 'unclaimed'] as const;

/**
 * GET /v1/ops/review-queue: filters, a whitelisted sort and a page (the merchant search's parameters).
 * Without `limit` every item is answered, as before the page existed.
 */
export class ReviewQueueQuery {
  @ApiPropertyOptional({ enum: REVIEW_ITEM_KINDS, description: 'Only appeals or only submitted forgery remediations' })
  @IsOptional()
  @IsIn(REVIEW_ITEM_KINDS)
  kind?: (typeof REVIEW_ITEM_KINDS)[number];

  @ApiPropertyOptional({ description: "Only this marketplace's items", pattern: MARKETPLACE_PATTERN.source })
  @IsOptional()
  @Matches(MARKETPLACE_PATTERN, { message: 'marketplace must be 1 to 32 characters of a-z, 0-9 and -' })
  marketplace?: string;

  @ApiPropertyOptional({ description: 'Only the items this reviewer holds', minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  claimedBy?: string;

  @ApiPropertyOptional({ enum: REVIEW_CLAIMS, description: 'claimed: held by a reviewer; unclaimed: held by nobody' })
  @IsOptional()
  @IsIn(REVIEW_CLAIMS)
  claim?: (typeof REVIEW_CLAIMS)[number];

  @ApiPropertyOptional({ description: "Part of the merchant's id or of the item's id (case-insensitive)", maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(0, 200)
  query?: string;

  @ApiPropertyOptional({ enum: REVIEW_SORTS, default: 'deadline', description: 'Sort key; items without a deadline last, ties by submission' })
  @IsOptional()
  @IsIn(REVIEW_SORTS)
  sort?: ReviewSort;

  @ApiPropertyOptional({ enum: SORT_ORDERS, description: 'Default: desc for submittedAt, asc for the others' })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  order?: SortOrder;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_REVIEW_PAGE, description: 'Page size; absent: every item' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_REVIEW_PAGE)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_TABLE_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0)
  @Max(MAX_TABLE_OFFSET)
  offset?: number;
}

/** An item waiting for a reviewer: an open appeal or a submitted forgery remediation. */
export class ReviewItemDto {
  @ApiProperty({ enum: REVIEW_ITEM_KINDS }) kind: string;
  @ApiProperty({ description: 'The appeal id or the forgery case id' }) id: string;
  @ApiProperty() merchantId: string;
  @ApiProperty({ description: "The merchant's marketplace (its profile's, else the deployment's default)" }) marketplace: string;
  @ApiProperty({ description: 'What is appealed (SANCTION, PENALTY, …) or FORGERY_CASE' }) subjectKind: string;
  @ApiProperty() subjectId: string;
  @ApiProperty({ required: false, type: 'integer', description: 'APPEAL: 1 or 2' }) round?: number;
  @ApiProperty({ required: false, type: 'integer', description: 'FORGERY_REMEDIATION' }) caseNumber?: number;
  @ApiProperty({ required: false, description: 'FORGERY_REMEDIATION' }) violationId?: string;
  @ApiProperty({ nullable: true, type: 'string', description: 'RFC 3339, +08:00' }) submittedAt: string | null;
  @ApiProperty({ nullable: true, type: 'string', description: 'The deadline of the decision, if any (RFC 3339, +08:00)' }) deadline: string | null;
  @ApiProperty({ description: 'Evidence documents as filed', type: 'array', items: { type: 'object' } }) evidence: object[];
  @ApiProperty({ nullable: true, type: 'string', description: 'The reviewer who claimed it (only they decide it)' }) claimedBy: string | null;
  @ApiProperty({ nullable: true, type: 'string', description: 'RFC 3339, +08:00' }) claimedAt: string | null;
}

export class ReviewQueuePageDto extends TablePageDto {
  @ApiProperty({ type: [ReviewItemDto] }) items: ReviewItemDto[];
}
