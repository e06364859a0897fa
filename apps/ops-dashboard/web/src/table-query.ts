// What a dashboard table asks for and how its rows are read: the api's list routes take the merchant
// search's parameters (sort, order, limit, offset, the filters by name and a free-text `query`), and a
// small fixed table does the same in the browser.

export type SortOrder = 'asc' | 'desc';
export type CellValue = string | number | boolean | null | undefined;

export interface TableQuery {
  sort?: { key: string; order: SortOrder };
  /** Filter name → chosen value (absent: every value). */
  filters: Readonly<Record<string, string>>;
  /** Free text, matched by the source (the api: its `query` parameter). */
  search: string;
  offset: number;
  limit: number;
}

export interface TablePage<Row> {
  items: Row[];
  total: number;
}

/** A table's rows: asked of the api a page at a time, or all in hand. */
export type RowSource<Row> = (query: TableQuery) => Promise<TablePage<Row>>;

/** The export reads at most this many rows, as the merchants' export does (and the api's offset bound). */
export const EXPORT_MAX_ROWS = 10_000;

/** The api's query string for a table query (the merchant search's parameter names); `extra` fixed by the page. */
export function tableSearchParams(query: TableQuery, extra: Readonly<Record<string, string>> = {}): URLSearchParams {
  const params = new URLSearchParams({ ...extra, limit: String(query.limit), offset: String(query.offset) });
  for (const [name, value] of Object.entries(query.filters)) if (value !== '') params.set(name, value);
  if (query.search.trim() !== '') params.set('query', query.search.trim());
  if (query.sort) {
    params.set('sort', query.sort.key);
    params.set('order', query.sort.order);
  }
  return params;
}

/** Numbers by value, texts by the page's collation (any case), empty values last whatever the order. */
export function compareCells(a: CellValue, b: CellValue, order: SortOrder): number {
  const emptyA = a === null || a === undefined || a === '';
  const emptyB = b === null || b === undefined || b === '';
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
  const sign = order === 'desc' ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return sign * (a - b);
  return sign * String(a).localeCompare(String(b), undefined, { sensitivity: 'base', numeric: true });
}

/** How a table reads a row's cell for sorting, filtering, searching and the export. */
export type CellOf<Row> = (row: Row, key: string) => CellValue;

/**
 * A page of rows in hand, as the api would answer it: filtered (each filter by equality, or as `matches`
 * says for a cell of several values), searched
 * (a case-insensitive substring of any searchable cell), sorted (stable: equal rows keep their order)
 * and sliced.
 */
export function pageOfRows<Row>(
  rows: readonly Row[],
  query: TableQuery,
  cell: CellOf<Row>,
  searchable: readonly string[],
  matches: (row: Row, key: string, value: string) => boolean = (row, key, value) => String(cell(row, key) ?? '') === value,
): TablePage<Row> {
  const text = query.search.trim().toLowerCase();
  const kept = rows.filter(
    (row) =>
      Object.entries(query.filters).every(([key, value]) => value === '' || matches(row, key, value)) &&
      (text === '' || searchable.some((key) => String(cell(row, key) ?? '').toLowerCase().includes(text))),
  );
  const sort = query.sort;
  const sorted = sort ? kept.map((row, i) => ({ row, i })).sort((x, y) => compareCells(cell(x.row, sort.key), cell(y.row, sort.key), sort.order) || x.i - y.i).map((x) => x.row) : kept;
  return { items: sorted.slice(query.offset, query.offset + query.limit), total: sorted.length };
}

/**
 * Every row the query selects, read page by page (`pageSize` each) up to `cap` rows; `capped` says that
 * the filter selects more than were read.
 */
export async function readAllRows<Row>(source: RowSource<Row>, query: Omit<TableQuery, 'offset' | 'limit'>, pageSize: number, cap = EXPORT_MAX_ROWS): Promise<{ rows: Row[]; capped: boolean }> {
  const rows: Row[] = [];
  let total = 0;
  for (let offset = 0; offset < cap; offset += pageSize) {
    const page = await source({ ...query, offset, limit: Math.min(pageSize, cap - offset) });
    rows.push(...page.items);
    total = page.total;
    if (page.items.length === 0 || rows.length >= page.total) break;
  }
  return { rows: rows.slice(0, cap), capped: total > cap };
}

/**
 * One table over several services' lists that answer the same query (a merchant's audit trail in the
 * scoring and the sanction service): each is read from its start to the end of the page asked for, the
 * rows merged in the query's order (`compare`) and the page cut out; the total is the sum of theirs.
 */
export function mergedSource<Row>(sources: readonly RowSource<Row>[], compare: (a: Row, b: Row, query: TableQuery) => number, maxPageSize: number): RowSource<Row> {
  return async (query) => {
    const wanted = query.offset + query.limit;
    const pages = await Promise.all(
      sources.map(async (source) => {
        const items: Row[] = [];
        let total = 0;
        for (let offset = 0; offset < wanted; offset += maxPageSize) {
          const page = await source({ ...query, offset, limit: Math.min(maxPageSize, wanted - offset) });
          items.push(...page.items);
          total = page.total;
          if (page.items.length === 0 || items.length >= page.total) break;
        }
        return { items, total };
      }),
    );
    const merged = pages.flatMap((p) => p.items).sort((a, b) => compare(a, b, query));
    return { items: merged.slice(query.offset, wanted), total: pages.reduce((sum, p) => sum + p.total, 0) };
  };
}

/** The columns shown: those stored (an array of keys, in the table's order) that the table has, else its defaults. */
export function shownColumns(stored: string | null, keys: readonly string[], defaults: readonly string[] = keys): string[] {
  try {
    const parsed: unknown = JSON.parse(stored ?? 'null');
    if (Array.isArray(parsed)) return keys.filter((k) => parsed.includes(k));
  } catch {
    // A malformed value reads as none stored.
  }
  return keys.filter((k) => defaults.includes(k));
}

/** An export's file name: what it holds and the local time it was made, e.g. audit-20261206-210501.csv. */
export function exportFileName(name: string, at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${name}-${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}-${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}.csv`;
}
