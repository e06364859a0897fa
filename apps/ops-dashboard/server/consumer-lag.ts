/**
 * The consumer-lag table of the Overview, paged by the dashboard server from the latest figures (this
 * process's scrape or Prometheus's instant query): filtered by service, topic, behind or caught up and
 * part of the topic, sorted by a whitelisted key (most behind first by default), a page at a time with
 * the total, in the api's table parameters (sort, order, limit, offset).
 */
export interface LagRow {
  service: string;
  topic: string;
  partition: string;
  lag: number;
}

export const LAG_SORTS = ['service', 'topic', 'partition', 'lag'] as const;
export type LagSort = (typeof LAG_SORTS)[number];
export const LAG_STATES = ['behind', 'caughtUp'] as const;
export const MAX_LAG_PAGE = 500;
const DEFAULT_LAG_PAGE = 50;
const MAX_OFFSET = 10_000;

export interface LagQuery {
  service?: string;
  topic?: string;
  state?: (typeof LAG_STATES)[number];
  query?: string;
  sort: LagSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface FieldError {
  field: string;
  message: string;
}

/** The query string's table parameters, each checked; every bad one named. */
export function parseLagQuery(params: Readonly<Record<string, unknown>>): { query: LagQuery } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const text = (field: string, max: number): string | undefined => {
    const value = params[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length > max) {
      errors.push({ field, message: `${field} must be a text of at most ${max} characters` });
      return undefined;
    }
    return value;
  };
  const oneOf = <T extends string>(field: string, allowed: readonly T[]): T | undefined => {
    const value = params[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      errors.push({ field, message: `${field} must be one of ${allowed.join(', ')}` });
      return undefined;
    }
    return value as T;
  };
  const integer = (field: string, min: number, max: number, fallback: number): number => {
    const value = params[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !/^\d{1,6}$/.test(value) || Number(value) < min || Number(value) > max) {
      errors.push({ field, message: `${field} must be an integer from ${min} to ${max}` });
      return fallback;
    }
    return Number(value);
  };
  const sort = oneOf('sort', LAG_SORTS) ?? 'lag';
  const query: LagQuery = {
    service: text('service', 300),
    topic: text('topic', 300),
    state: oneOf('state', LAG_STATES),
    query: text('query', 200),
    sort,
    order: oneOf('order', ['asc', 'desc'] as const) ?? (sort === 'lag' ? 'desc' : 'asc'),
    limit: integer('limit', 1, MAX_LAG_PAGE, DEFAULT_LAG_PAGE),
    offset: integer('offset', 0, MAX_OFFSET, 0),
  };
  return errors.length > 0 ? { errors } : { query };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const KEYS: Record<LagSort, (a: LagRow, b: LagRow) => number> = {
  service: (a, b) => compareText(a.service, b.service),
  topic: (a, b) => compareText(a.topic, b.topic),
  partition: (a, b) => Number(a.partition) - Number(b.partition),
  lag: (a, b) => a.lag - b.lag,
};
/** Ties: most behind first, then service, topic and partition, so pages are stable. */
const TIES = [(a: LagRow, b: LagRow) => b.lag - a.lag, KEYS.service, KEYS.topic, KEYS.partition];

/** One page of the rows the query selects, in its order, with the total over every page. */
export function lagPage(rows: readonly LagRow[], query: LagQuery): { items: LagRow[]; total: number; limit: number; offset: number } {
  const needle = query.query?.trim().toLowerCase();
  const selected = rows.filter(
    (r) =>
      (query.service === undefined || r.service === query.service) &&
      (query.topic === undefined || r.topic === query.topic) &&
      (query.state === undefined || (query.state === 'behind' ? r.lag > 0 : r.lag === 0)) &&
      (!needle || r.topic.toLowerCase().includes(needle)),
  );
  const direction = query.order === 'desc' ? -1 : 1;
  const ordered = [...selected].sort((a, b) => {
    const first = direction * KEYS[query.sort](a, b);
    if (first !== 0) return first;
    for (const tie of TIES) {
      const next = tie(a, b);
      if (next !== 0) return next;
    }
    return 0;
  });
  return { items: ordered.slice(query.offset, query.offset + query.limit), total: ordered.length, limit: query.limit, offset: query.offset };
}
