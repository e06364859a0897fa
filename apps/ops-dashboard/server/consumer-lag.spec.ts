import { lagPage, parseLagQuery, type LagQuery, type LagRow } from './consumer-lag';

const rows: LagRow[] = [
  { service: 'scoring-service', topic: 'violations.detected.v1', partition: '10', lag: 0 },
  { service: 'scoring-service', topic: 'violations.detected.v1', partition: '2', lag: 17 },
  { service: 'sanction-service', topic: 'penalties.assessed.v1', partition: '0', lag: 5 },
  { service: 'api', topic: 'penalties.assessed.v1', partition: '1', lag: 5 },
  { service: 'api', topic: 'sanctions.decided.v1', partition: '0', lag: 0 },
];
const query = (params: Record<string, string> = {}): LagQuery => {
  const parsed = parseLagQuery(params);
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed.query;
};
const ids = (page: { items: LagRow[] }) => page.items.map((r) => `${r.service}/${r.partition}`);

describe('consumer-lag table', () => {
  it('answers the most behind first by default (ties by service, topic, partition), with the total', () => {
    expect(query()).toEqual({ sort: 'lag', order: 'desc', limit: 50, offset: 0, service: undefined, topic: undefined, state: undefined, query: undefined });
    const page = lagPage(rows, query());
    expect(ids(page)).toEqual(['scoring-service/2', 'api/1', 'sanction-service/0', 'api/0', 'scoring-service/10']);
    expect(page).toMatchObject({ total: 5, limit: 50, offset: 0 });
  });

  it('sorts partitions as numbers and each key both ways', () => {
    expect(ids(lagPage(rows, query({ sort: 'partition' })))).toEqual(['sanction-service/0', 'api/0', 'api/1', 'scoring-service/2', 'scoring-service/10']);
    expect(ids(lagPage(rows, query({ sort: 'service', order: 'desc' })))).toEqual(['scoring-service/2', 'scoring-service/10', 'sanction-service/0', 'api/1', 'api/0']);
    expect(ids(lagPage(rows, query({ sort: 'lag', order: 'asc' })))).toEqual(['api/0', 'scoring-service/10', 'api/1', 'sanction-service/0', 'scoring-service/2']);
  });

  it('filters by service, topic, behind or caught up and part of the topic, and pages what it selects', () => {
    expect(ids(lagPage(rows, query({ state: 'behind' })))).toEqual(['scoring-service/2', 'api/1', 'sanction-service/0']);
    expect(ids(lagPage(rows, query({ state: 'caughtUp', service: 'api' })))).toEqual(['api/0']);
    expect(ids(lagPage(rows, query({ topic: 'penalties.assessed.v1' })))).toEqual(['api/1', 'sanction-service/0']);
    expect(ids(lagPage(rows, query({ query: 'DECIDED' })))).toEqual(['api/0']);
    const second = lagPage(rows, query({ limit: '2', offset: '2' }));
    expect(ids(second)).toEqual(['sanction-service/0', 'api/0']);
    expect(second).toMatchObject({ total: 5, limit: 2, offset: 2 });
    expect(lagPage(rows, query({ offset: '9' })).items).toEqual([]);
  });

  it('names every bad parameter', () => {
    expect(parseLagQuery({ sort: 'merchant', order: 'up', limit: '0', offset: '-1', state: 'late', service: 'x'.repeat(301) })).toEqual({
      errors: [
        { field: 'sort', message: 'sort must be one of service, topic, partition, lag' },
        { field: 'service', message: 'service must be a text of at most 300 characters' },
        { field: 'state', message: 'state must be one of behind, caughtUp' },
        { field: 'order', message: 'order must be one of asc, desc' },
        { field: 'limit', message: 'limit must be an integer from 1 to 500' },
        { field: 'offset', message: 'offset must be an integer from 0 to 10000' },
      ],
    });
    expect(parseLagQuery({ limit: ['5', '6'] })).toEqual({ errors: [{ field: 'limit', message: 'limit must be an integer from 1 to 500' }] });
  });
});
