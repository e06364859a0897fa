import { FIGURE_QUERIES, figuresFromVectors, historyFromMatrices, instantQueryUrl, parseQueryResponse, PrometheusError, rangeQueryUrl, rateWindow } from './prometheus-figures';

const vector = (result: unknown[]) => ({ status: 'success', data: { resultType: 'vector', result } });
const matrix = (result: unknown[]) => ({ status: 'success', data: { resultType: 'matrix', result } });

describe('live figures from Prometheus', () => {
  it('asks rate() of the counters the in-process scrape reads, with the same filters', () => {
    expect(FIGURE_QUERIES.violationsPerSecond('60s')).toBe('sum(rate(penalty_events_consumed_total{service="scoring-service",topic="violations.detected.v1"}[60s]))');
    // Published decisions: every topic but dead letters and the violations the api forwards.
    expect(FIGURE_QUERIES.decisionsPerSecond('600s')).toBe('sum(rate(penalty_outbox_published_total{topic!~".*[.]dlq|violations[.]detected[.]v1"}[600s]))');
    expect(FIGURE_QUERIES.deadLetters).toBe('sum by (service, topic, reason) (penalty_events_dead_lettered_total) > 0');
  });

  it("sizes rate()'s window to the step: at least a minute, twice the step", () => {
    expect([rateWindow(15), rateWindow(300), rateWindow(21_600)]).toEqual(['60s', '600s', '43200s']);
  });

  it('builds the two endpoints with the query encoded and times in unix seconds, under any path prefix', () => {
    const at = new Date('2026-11-23T02:00:00.500Z');
    expect(instantQueryUrl('http://prom:9090/', 'sum(x{a="b"})', at)).toBe('http://prom:9090/api/v1/query?query=sum%28x%7Ba%3D%22b%22%7D%29&time=1795399200.5');
    expect(rangeQueryUrl('https://ops.example/prometheus', 'up', new Date('2026-11-23T01:00:00Z'), new Date('2026-11-23T02:00:00Z'), 15)).toBe(
      'https://ops.example/prometheus/api/v1/query_range?query=up&start=1795395600&end=1795399200&step=15',
    );
  });

  it('reads vectors and matrices from the response envelope, values as numbers', () => {
    expect(parseQueryResponse(vector([{ metric: { service: 'api' }, value: [1795399200, '3.5'] }]), 'vector')).toEqual([{ metric: { service: 'api' }, values: [[1795399200, 3.5]] }]);
    expect(parseQueryResponse(matrix([{ metric: {}, values: [[1, '1'], [16, 'NaN']] }]), 'matrix')).toEqual([{ metric: {}, values: [[1, 1], [16, NaN]] }]);
    expect(parseQueryResponse(vector([]), 'vector')).toEqual([]);
  });

  it.each([
    [{ status: 'error', errorType: 'bad_data', error: 'parse error' }, 'Prometheus refused the query: bad_data: parse error'],
    [matrix([]), 'Prometheus answered a matrix, not a vector'],
    [{ status: 'success' }, 'Prometheus answered something other than a query result'],
    ['<html>', 'Prometheus answered something other than a query result'],
    [vector([{ metric: {}, value: ['now', 1] }]), 'Prometheus answered a malformed sample'],
  ])('turns %j into a PrometheusError', (body, message) => {
    expect(() => parseQueryResponse(body, 'vector')).toThrow(new PrometheusError(message));
  });

  it('makes the current figures of the instant queries, a rate over nothing (NaN) reading 0', () => {
    const at = new Date('2026-11-23T02:00:00Z');
    const one = (metric: Record<string, string>, value: number) => ({ metric, values: [[1795399200, value] as [number, number]] });
    const figures = figuresFromVectors(
      {
        violationsPerSecond: [one({}, 12.5)],
        decisionsPerSecond: [one({}, NaN)],
        consumerLag: [one({ service: 'scoring-service', topic: 'violations.detected.v1', partition: '0' }, 4)],
        deadLetters: [one({ service: 'api', topic: 'sanctions.decided.v1', reason: 'UNPARSEABLE' }, 2)],
        outboxBacklog: [one({ service: 'sanction-service' }, 7)],
      },
      at,
    );
    expect(figures).toEqual({
      at: '2026-11-23T02:00:00.000Z', violationsPerSecond: 12.5, decisionsPerSecond: 0,
      consumerLag: [{ service: 'scoring-service', topic: 'violations.detected.v1', partition: '0', lag: 4 }],
      deadLetters: [{ service: 'api', topic: 'sanctions.decided.v1', reason: 'UNPARSEABLE', count: 2 }],
      outboxBacklog: [{ service: 'sanction-service', backlog: 7 }],
    });
    expect(figuresFromVectors({ violationsPerSecond: [], decisionsPerSecond: [], consumerLag: [], deadLetters: [], outboxBacklog: [] }, at).violationsPerSecond).toBe(0);
  });

  it('merges the two rate matrices into one point per timestamp, oldest first', () => {
    const history = historyFromMatrices([{ metric: {}, values: [[1795399215, 2], [1795399200, 1]] }], [{ metric: {}, values: [[1795399200, 0.5]] }]);
    expect(history).toEqual([
      { at: '2026-11-23T02:00:00.000Z', violationsPerSecond: 1, decisionsPerSecond: 0.5 },
      { at: '2026-11-23T02:00:15.000Z', violationsPerSecond: 2, decisionsPerSecond: 0 },
    ]);
  });
});
