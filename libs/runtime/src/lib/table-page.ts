import { ApiProperty } from '@nestjs/swagger';

/**
 * What the operators' tables ask of a list route, in the merchant search's words (GET /v1/ops/merchants):
 * `sort` (one of the route's whitelisted keys), `order` (asc or desc), `limit` and `offset`; the answer
 * keeps the route's `items` and adds `total`, `limit` and `offset`.
 */
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];
/** Deep offsets are refused, as the merchant search does: an operator narrows the filter instead. */
export const MAX_TABLE_OFFSET = 10_000;

/**
 * ORDER BY text for a whitelisted sort key: the key's column (from the route's fixed table, never from the
 * request), empty values last, then the tie-breakers so that pages are stable.
 */
export function orderByClause<Key extends string>(columns: Readonly<Record<Key, string>>, sort: Key, order: SortOrder, tieBreakers: readonly string[]): string {
  const column = columns[sort];
  if (column === undefined) throw new Error(`no column for sort key ${sort}`);
  return `ORDER BY ${[`${column} ${order === 'desc' ? 'DESC' : 'ASC'} NULLS LAST`, ...tieBreakers].join(', ')}`;
}

/**
 * The total over every page from rows that carry `count(*) OVER ()` as `total`; a page past the end has no
 * rows, so it is counted alone (`countAll`), and an empty first page is none at all.
 */
export async function totalOfPage(rows: readonly { total: number | string }[], offset: number, countAll: () => Promise<number>): Promise<number> {
  if (rows.length > 0) return Number(rows[0].total);
  return offset === 0 ? 0 : countAll();
}

/** The page fields every table route adds to its answer. */
export class TablePageDto {
  @ApiProperty({ type: 'integer', description: 'Rows matching the filters, over every page' }) total: number;
  @ApiProperty({ type: 'integer', description: 'The page size used' }) limit: number;
  @ApiProperty({ type: 'integer', description: 'Rows skipped before this page' }) offset: number;
}

/** A LIKE pattern matching `query` as a literal substring: LIKE's own wildcards in it are escaped. */
export const substringPattern = (query: string) => `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
