/**
 * Live figures for the Overview page, from the services' Prometheus metrics: scraped every few
 * seconds, turned into rates between scrapes, kept for the last hour in memory.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (the lines that carry samples). */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2].replace(/\\(.)/g, '$1');
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

/** The two rates the Overview charts over time. */
export interface FigurePoint {
  at: string;
  /** violations.detected.v1 events read by the scoring service, per second. */
  violationsPerSecond: number;
  /** Decisions published (penalties, sanctions, remedies, notifications), per second. */
  decisionsPerSecond: number;
}

export interface Figures extends FigurePoint {
  consumerLag: { service: string; topic: string; partition: string; lag: number }[];
  deadLetters: { service: string; topic: string; reason: string; count: number }[];
  outboxBacklog: { service: string; backlog: number }[];
}

const sum = (samples: Sample[], name: string, where: (l: Record<string, string>) => boolean = () => true) =>
  samples.filter((s) => s.name === name && where(s.labels)).reduce((total, s) => total + s.value, 0);

/** Figures from two scrapes of every service, `seconds` apart (rates need both). */
export function figuresBetween(previous: Map<string, Sample[]>, current: Map<string, Sample[]>, seconds: number, at: Date): Figures {
  const rate = (name: string, service?: string, where?: (l: Record<string, string>) => boolean) => {
    let delta = 0;
    for (const [svc, samples] of current) {
      if (service && svc !== service) continue;
      delta += Math.max(0, sum(samples, name, where) - sum(previous.get(svc) ?? samples, name, where));
    }
    return seconds > 0 ? delta / seconds : 0;
  };
  const all = [...current].flatMap(([service, samples]) => samples.map((s) => ({ service, ...s })));
  return {
    at: at.toISOString(),
    violationsPerSecond: rate('penalty_events_consumed_total', 'scoring-service', (l) => l.topic === 'violations.detected.v1'),
    decisionsPerSecond: rate('penalty_outbox_published_total', undefined, (l) => !l.topic?.endsWith('.dlq') && l.topic !== 'violations.detected.v1'),
    consumerLag: all.filter((s) => s.name === 'penalty_consumer_lag').map((s) => ({ service: s.service, topic: s.labels.topic, partition: s.labels.partition, lag: s.value })),
    deadLetters: all.filter((s) => s.name === 'penalty_events_dead_lettered_total' && s.value > 0).map((s) => ({ service: s.service, topic: s.labels.topic, reason: s.labels.reason, count: s.value })),
    outboxBacklog: all.filter((s) => s.name === 'penalty_outbox_backlog').map((s) => ({ service: s.service, backlog: s.value })),
  };
}

/** The last hour of figures, one per scrape. */
export class FigureHistory {
  private readonly figures: Figures[] = [];

  constructor(private readonly keepMs = 3_600_000) {}

  add(figures: Figures): void {
    this.figures.push(figures);
    const cutoff = Date.parse(figures.at) - this.keepMs;
    while (this.figures.length > 0 && Date.parse(this.figures[0].at) < cutoff) this.figures.shift();
  }

  all(): Figures[] {
    return [...this.figures];
  }

  /** The two rates since `since`: this process's scrapes, so the last hour at most. */
  pointsSince(since: Date): FigurePoint[] {
    return this.figures.filter((f) => Date.parse(f.at) >= since.getTime()).map(({ at, violationsPerSecond, decisionsPerSecond }) => ({ at, violationsPerSecond, decisionsPerSecond }));
  }
}
