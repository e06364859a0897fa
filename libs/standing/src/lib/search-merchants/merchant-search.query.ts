import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MARKETPLACE_PATTERN, NAME_MAX_LENGTH } from '@penalty/contracts';

/** The states a merchant can be filtered by (each as of now). */
export const MERCHANT_STATES = ['ACTIVE_MEASURES', 'TOP_UP_OPEN', 'SUPERVISED', 'TERMINATED', 'EXAM_CHANCE_HELD'] as const;
export type MerchantState = (typeof MERCHANT_STATES)[number];
export const MERCHANT_SORTS = ['merchantId', 'displayName', 'storeName', 'marketplace', 'general', 'serious'] as const;
export type MerchantSort = (typeof MERCHANT_SORTS)[number];
export const MAX_SEARCH_PAGE = 200;
/** Deep offsets are refused: an operator narrows the search instead of paging through 10^5 rows. */
export const MAX_SEARCH_OFFSET = 10_000;
/**
 * Test merchants, by the id's prefix (`test-`, `demo-`, any case): the profile contract has no flag for
 * them, and the demo feed and test systems name theirs so. The same rule as TEST_MERCHANT_SQL.
 */
export const TEST_MERCHANT_ID = /^(test|demo)-/i;
export const TEST_MERCHANTS = ['include', 'exclude'] as const;

/** GET /v1/ops/merchants: a case-insensitive substring of id or names, filters, sorting and a page. */
export class MerchantSearchQuery {
  @ApiPropertyOptional({ description: "Part of the merchant's id, display name or store name (case-insensitive); empty: every merchant", maxLength: NAME_MAX_LENGTH, default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX_LENGTH)
  query?: string;

  @ApiPropertyOptional({ description: 'Only merchants of this marketplace', pattern: MARKETPLACE_PATTERN.source })
  @IsOptional()
  @Matches(MARKETPLACE_PATTERN, { message: 'marketplace must be 1 to 32 characters of a-z, 0-9 and -' })
  marketplace?: string;

  @ApiPropertyOptional({
    enum: MERCHANT_STATES,
    description:
      'Only merchants in this state now: ACTIVE_MEASURES (a measure in force), TOP_UP_OPEN (a deposit top-up window open), SUPERVISED (STORE_SUPERVISION in force), TERMINATED (TERMINATION imposed), EXAM_CHANCE_HELD (a granted exam chance not expired)',
  })
  @IsOptional()
  @IsIn(MERCHANT_STATES)
  state?: MerchantState;

  @ApiPropertyOptional({ enum: TEST_MERCHANTS, default: 'include', description: 'exclude: leave out test merchants (an id starting with test- or demo-, any case)' })
  @IsOptional()
  @IsIn(TEST_MERCHANTS)
  testMerchants?: (typeof TEST_MERCHANTS)[number];

  @ApiPropertyOptional({ enum: MERCHANT_SORTS, default: 'serious', description: "Sort key; general and serious are this natural year's points" })
  @IsOptional()
  @IsIn(MERCHANT_SORTS)
  sort?: MerchantSort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'Default: desc for points, asc for ids and names' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_SEARCH_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_SEARCH_PAGE)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_SEARCH_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0)
  @Max(MAX_SEARCH_OFFSET)
  offset?: number;
}

/** A merchant found by the search, with this natural year's points. */
export class OpsMerchantDto {
  @ApiProperty() merchantId: string;
  @ApiProperty({ description: "The profile's marketplace (the deployment's default without a profile)" }) marketplace: string;
  @ApiProperty({ type: String, nullable: true, description: "The merchant's registered name (profile)" }) displayName: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The store's name (profile)" }) storeName: string | null;
  @ApiProperty({ type: 'integer', description: 'GENERAL points this natural year' }) general: number;
  @ApiProperty({ type: 'integer', description: 'SERIOUS points this natural year' }) serious: number;
  @ApiProperty({ description: 'A test merchant (its id starts with test- or demo-)' }) test: boolean;
}

export class MerchantSearchPageDto {
  @ApiProperty({ type: [OpsMerchantDto] }) items: OpsMerchantDto[];
  @ApiProperty({ type: 'integer', description: 'Merchants matching the query and filters, over every page' }) total: number;
  @ApiProperty({ type: 'integer' }) limit: number;
  @ApiProperty({ type: 'integer' }) offset: number;
}
