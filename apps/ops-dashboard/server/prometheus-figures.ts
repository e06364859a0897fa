import type { FigurePoint, Figures } from './live-figures';

/**
 * The live figures read from Prometheus's HTTP API (PROMETHEUS_URL) rather than scraped by this
 * process, so every replica of the dashboard shows the same history, as long as Prometheus keeps it.
 * The PromQL is over the metrics the services export and the in-process scrape reads
 * (live-figures.ts): the same sums and filters, as rate() of the same counters. Query building and
 * response parsing are pure; PrometheusFigures does the fetching.
 */
export const LIVE_RANGES = ['1h', '24h', '7d', '30d'] as const;
export type LiveRange = (typeof LIVE_RANGES)[number];

/** Each range's length and the resolution of its history (about 100 to 300 points a chart). */
export const LIVE_RANGE_STEPS: Record<LiveRange, { seconds: number; stepSeconds: number }> = {
  '1h': { seconds: 3_600, stepSeconds: 15 },
  '24h': { seconds: 86_400, stepSeconds: 300 },
  '7d': { seconds: 604_800, stepSeconds: 3_600 },
  '30d': { seconds: 2_592_000, stepSeconds: 21_600 },
};

/** rate()'s window for a step: at least a minute (several scrapes), and twice the step so no point falls between windows. */
export const rateWindow = (stepSeconds: number) => `${Math.max(60, 2 * stepSeconds)}s`;

/** The PromQL of each figure. Label regexes use [.] for a literal dot (no escaping inside PromQL strings). */
export const FIGURE_QUERIES = {
  violationsPerSecond: (window: string) => `sum(rate(penalty_events_consumed_total{service="scoring-service",topic="violations.detected.v1"}[${window}]))`,
  decisionsPerSecond: (window: string) => `sum(rate(penalty_outbox_published_total{topic!~".*[.]dlq|violations[.]detected[.]v1"}[${window}]))`,
  // Replicas of a service: a partition's lag as its consumer reports it, a backlog as any replica counts it (one database).
  consumerLag: 'max by (service, topic, partition) (penalty_consumer_lag)',
  deadLetters: 'sum by (service, topic, reason) (penalty_events_dead_lettered_total) > 0',
  outboxBacklog: 'max by (service) (penalty_outbox_backlog)',
} as const;

const endpoint = (base: string, path: string, params: Record<string, string>) => `${base.replace(/\/+$/, '')}${path}?${new URLSearchParams(params)}`;

/** GET /api/v1/query: an instant query evaluated at `at`. */
export const instantQueryUrl = (base: string, query: string, at: Date) => endpoint(base, '/api/v1/query', { query, time: String(at.getTime() / 1000) });

/** GET /api/v1/query_range over [start, end] every `stepSeconds`. */
export const rangeQueryUrl = (base: string, query: string, start: Date, end: Date, stepSeconds: number) =>
  endpoint(base, '/api/v1/query_range', { query, start: String(start.getTime() / 1000), end: String(end.getTime() / 1000), step: String(stepSeconds) });

/** One series: its labels and [unix seconds, "value"] pairs (one for a vector, many for a matrix). */
export interface Series {
  metric: Record<string, string>;
  values: [number, number][];
}

export class PrometheusError extends Error {}

/**
 * The result of a query from Prometheus's response envelope, `{status, data: {resultType, result}}`:
 * a vector's samples (`value`) or a matrix's (`values`) as numbers. An error envelope, another result
 * type or a malformed body is a PrometheusError.
 */
export function parseQueryResponse(body: unknown, expected: 'vector' | 'matrix'): Series[] {
  const envelope = body as { status?: unknown; errorType?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } } | null;
  if (envelope?.status === 'error') throw new PrometheusError(`Prometheus refused the query: ${String(envelope.errorType)}: ${String(envelope.error)}`);
  if (envelope?.status !== 'success' || !envelope.data || !Array.isArray(envelope.data.result)) throw new PrometheusError('Prometheus answered something other than a query result');
  if (envelope.data.resultType !== expected) throw new PrometheusError(`Prometheus answered a ${String(envelope.data.resultType)}, not a ${expected}`);
  const pair = (p: unknown): [number, number] => {
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'string') throw new PrometheusError('Prometheus answered a malformed sample');
    return [p[0], Number(p[1])];
  };
  return envelope.data.result.map((s: { metric?: Record<string, string>; value?: unknown; values?: unknown }) => ({
    metric: s.metric ?? {},
    values: expected === 'vector' ? [pair(s.value)] : Array.isArray(s.values) ? s.values.map(pair) : [],
  }));
}

/** A finite number, else 0 (NaN from a rate over nothing). */
const finite = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n : 0);
const scalar = (series: Series[]) => finite(series[0]?.values[0]?.[1]);

/** The current figures from the instant queries' results. */
export function figuresFromVectors(results: Record<keyof typeof FIGURE_QUERIES, Series[]>, at: Date): Figures {
  const value = (s: Series) => finite(s.values[0]?.[1]);
  return {
    at: at.toISOString(),
    violationsPerSecond: scalar(results.violationsPerSecond),
    decisionsPerSecond: scalar(results.decisionsPerSecond),
    consumerLag: results.consumerLag.map((s) => ({ service: s.metric.service, topic: s.metric.topic, partition: s.metric.partition, lag: value(s) })),
    deadLetters: results.deadLetters.map((s) => ({ service: s.metric.service, topic: s.metric.topic, reason: s.metric.reason, count: value(s) })),
    outboxBacklog: results.outboxBacklog.map((s) => ({ service: s.metric.service, backlog: value(s) })),
  };
}

/** The two rates' matrices as one point per timestamp, oldest first; a timestamp one of them lacks reads 0 there. */
export function historyFromMatrices(violations: Series[], decisions: Series[]): FigurePoint[] {
  const points = new Map<number, FigurePoint>();
  const point = (t: number) => points.get(t) ?? points.set(t, { at: new Date(t * 1000).toISOString(), violationsPerSecond: 0, decisionsPerSecond: 0 }).get(t)!;
  for (const [t, v] of violations[0]?.values ?? []) point(t).violationsPerSecond = finite(v);
  for (const [t, v] of decisions[0]?.values ?? []) point(t).decisionsPerSecond = finite(v);
  return [...points].sort(([a], [b]) => a - b).map(([, p]) => p);
}

/** Reads the figures from a Prometheus at `baseUrl`; every failure (unreachable, slow, an error answer) is a PrometheusError. */
export class PrometheusFigures {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 3_000,
  ) {}

  async current(now: Date): Promise<Figures> {
    const window = rateWindow(LIVE_RANGE_STEPS['1h'].stepSeconds);
    const queries: Record<keyof typeof FIGURE_QUERIES, string> = {
      violationsPerSecond: FIGURE_QUERIES.violationsPerSecond(window),
      decisionsPerSecond: FIGURE_QUERIES.decisionsPerSecond(window),
      consumerLag: FIGURE_QUERIES.consumerLag,
      deadLetters: FIGURE_QUERIES.deadLetters,
      outboxBacklog: FIGURE_QUERIES.outboxBacklog,
    };
    const entries = await Promise.all(Object.entries(queries).map(async ([name, query]) => [name, parseQueryResponse(await this.get(instantQueryUrl(this.baseUrl, query, now)), 'vector')] as const));
    return figuresFromVectors(Object.fromEntries(entries) as Record<keyof typeof FIGURE_QUERIES, Series[]>, now);
  }

  async history(range: LiveRange, now: Date): Promise<{ stepSeconds: number; points: FigurePoint[] }> {
    const { seconds, stepSeconds } = LIVE_RANGE_STEPS[range];
    // Aligned to the step, so replicas asking at nearly the same moment get the same points.
    const end = new Date(Math.floor(now.getTime() / 1000 / stepSeconds) * stepSeconds * 1000);
    const start = new Date(end.getTime() - seconds * 1000);
    const window = rateWindow(stepSeconds);
    const [violations, decisions] = await Promise.all(
      [FIGURE_QUERIES.violationsPerSecond(window), FIGURE_QUERIES.decisionsPerSecond(window)].map(async (q) => parseQueryResponse(await this.get(rangeQueryUrl(this.baseUrl, q, start, end, stepSeconds)), 'matrix')),
    );
    return { stepSeconds, points: historyFromMatrices(violations, decisions) };
  }

  private async get(url: string): Promise<unknown> {
    const response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) }).catch((error: Error) => {
      throw new PrometheusError(`Prometheus cannot be reached: ${error.message}`);
    });
    // Prometheus answers a refused query (400, 422, 503 on a timeout) with an error envelope, which says why; anything else says its status.
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok && (body as { status?: unknown } | undefined)?.status !== 'error') throw new PrometheusError(`Prometheus answered HTTP ${response.status}`);
    return body;
  }
}
