import { FigureHistory, figuresBetween, parsePrometheusText } from './live-figures';

const scrape = (consumed: number, published: number) =>
  parsePrometheusText(`# HELP penalty_events_consumed_total Kafka messages read
penalty_events_consumed_total{service="scoring-service",topic="violations.detected.v1"} ${consumed}
penalty_outbox_published_total{service="scoring-service",topic="penalties.assessed.v1"} ${published}
penalty_outbox_published_total{service="scoring-service",topic="violations.detected.v1.dlq"} 7
penalty_consumer_lag{service="scoring-service",topic="violations.detected.v1",partition="0"} 12
penalty_events_dead_lettered_total{service="scoring-service",topic="violations.detected.v1",reason="UNPARSEABLE"} 2
penalty_events_dead_lettered_total{service="scoring-service",topic="violations.detected.v1",reason="DATA_INVALID"} 0
penalty_outbox_backlog{service="scoring-service"} 3
`);

describe('live figures from Prometheus metrics', () => {
  it('parses samples with labels, including escaped quotes', () => {
    expect(parsePrometheusText('m{a="x\\"y",b="2"} 1.5\n# comment\n')).toEqual([{ name: 'm', labels: { a: 'x"y', b: '2' }, value: 1.5 }]);
  });

  it('turns two scrapes into rates, and reads lag, dead letters and backlog as they are', () => {
    const figures = figuresBetween(new Map([['scoring-service', scrape(100, 90)]]), new Map([['scoring-service', scrape(150, 130)]]), 5, new Date('2026-11-23T00:00:00Z'));
    expect(figures.violationsPerSecond).toBe(10);
    expect(figures.decisionsPerSecond).toBe(8);
    expect(figures.consumerLag).toEqual([{ service: 'scoring-service', topic: 'violations.detected.v1', partition: '0', lag: 12 }]);
    expect(figures.deadLetters).toEqual([{ service: 'scoring-service', topic: 'violations.detected.v1', reason: 'UNPARSEABLE', count: 2 }]);
    expect(figures.outboxBacklog).toEqual([{ service: 'scoring-service', backlog: 3 }]);
  });

  it('counts a restarted service (counters back to 0) as no negative rate', () => {
    expect(figuresBetween(new Map([['scoring-service', scrape(100, 90)]]), new Map([['scoring-service', scrape(5, 4)]]), 5, new Date()).violationsPerSecond).toBe(0);
  });

  it('keeps one hour of history', () => {
    const history = new FigureHistory();
    const at = (iso: string) => ({ ...figuresBetween(new Map(), new Map(), 1, new Date(iso)) });
    history.add(at('2026-11-23T00:00:00Z'));
    history.add(at('2026-11-23T00:30:00Z'));
    history.add(at('2026-11-23T01:00:01Z'));
    expect(history.all().map((f) => f.at)).toEqual(['2026-11-23T00:30:00.000Z', '2026-11-23T01:00:01.000Z']);
  });

  it('gives the two rates since an instant, for the charts', () => {
    const history = new FigureHistory();
    history.add(figuresBetween(new Map([['scoring-service', scrape(100, 90)]]), new Map([['scoring-service', scrape(150, 130)]]), 5, new Date('2026-11-23T00:00:00Z')));
    history.add(figuresBetween(new Map(), new Map(), 1, new Date('2026-11-23T00:10:00Z')));
    expect(history.pointsSince(new Date('2026-11-23T00:00:00Z'))).toEqual([
      { at: '2026-11-23T00:00:00.000Z', violationsPerSecond: 10, decisionsPerSecond: 8 },
      { at: '2026-11-23T00:10:00.000Z', violationsPerSecond: 0, decisionsPerSecond: 0 },
    ]);
    expect(history.pointsSince(new Date('2026-11-23T00:05:00Z')).map((p) => p.at)).toEqual(['2026-11-23T00:10:00.000Z']);
  });
});
