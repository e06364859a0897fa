import { DataSource } from 'typeorm';
import { FixedClock, RuleBook } from '@penalty/domain';
import { TransactionRunner } from '@penalty/messaging';
import { openServiceDatabase } from '@penalty/persistence';
import { CLOCK } from '@penalty/runtime';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, serveControllers, type Infrastructure, type ServedControllers } from '@penalty/testing';
import { DeadLetters1763900800000 } from '../dead-letters.migration';
import { DeadLettersController } from './dead-letters.controller';

/**
 * The dead letters' table query over HTTP on a real PostgreSQL: sorted each way (ties newest first),
 * filtered by source topic, reason, replayed or not and part of the key or message, paged with the
 * total over every page; a bad sort key, order or page size is a 400 problem naming the field.
 */
describe('dead letters list (real PostgreSQL, over HTTP)', () => {
  const databaseName = `dead_letter_list_${runId()}`;
  let infrastructure: Infrastructure;
  let ds: DataSource;
  let http: ServedControllers;

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    ds = await openServiceDatabase({ url, schema: 'api', migrations: [DeadLetters1763900800000], poolSize: 2 });
    await ds.query(`INSERT INTO dead_letter (topic, partition, "offset", message_key, value, headers, reason, message, source_topic, dead_at, replayed_at, replayed_by) VALUES
      ('violations.detected.v1.dlq', 0, 7, 'm-apple', '{}', '{}', 'SCHEMA_INVALID', 'severity must be one of MINOR, SERIOUS', 'violations.detected.v1', '2026-11-23T10:01:00+08:00', NULL, NULL),
      ('violations.detected.v1.dlq', 1, 3, 'm-pear', '{}', '{}', 'UNPARSEABLE', 'Unexpected token } in JSON', 'violations.detected.v1', '2026-11-23T10:02:00+08:00', '2026-11-23T11:00:00+08:00', 'alice'),
      ('sanctions.decided.v1.dlq', 0, 12, 'm-fig', '{}', '{}', 'SCHEMA_INVALID', 'fineFen must be an integer', 'sanctions.decided.v1', '2026-11-23T10:03:00+08:00', NULL, NULL),
      ('penalties.assessed.v1.dlq', 0, 5, NULL, '{}', '{}', 'RETRIES_EXHAUSTED', 'database unavailable', 'penalties.assessed.v1', '2026-11-23T10:04:00+08:00', NULL, NULL)`);
    const clock = new FixedClock('2026-11-23T12:00:00+08:00');
    const noWrites = { run: () => Promise.reject(new Error('listing writes nothing')) };
    http = await serveControllers([DeadLettersController], [{ provide: DataSource, useValue: ds }, { provide: TransactionRunner, useValue: noWrites }, { provide: CLOCK, useValue: clock }, { provide: RuleBook, useValue: new RuleBook() }]);
  }, 120_000);

  afterAll(async () => {
    await http?.close();
    await ds?.destroy();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
    await infrastructure?.stop();
  });

  const keys = async (query: string) => {
    const { status, body } = await http.get(`/v1/ops/dead-letters?${query}`);
    expect(status).toBe(200);
    return (body.items as { key: string | null }[]).map((d) => d.key);
  };

  it('answers newest first by default, with the total, limit and offset beside the items', async () => {
    const { body } = await http.get('/v1/ops/dead-letters');
    expect(body).toMatchObject({ total: 4, limit: 200, offset: 0 });
    expect(body.items.map((d: { key: string | null }) => d.key)).toEqual([null, 'm-fig', 'm-pear', 'm-apple']);
    expect(body.items[2]).toEqual({
      topic: 'violations.detected.v1.dlq', partition: 1, offset: '3', key: 'm-pear', value: '{}', reason: 'UNPARSEABLE', message: 'Unexpected token } in JSON',
      sourceTopic: 'violations.detected.v1', deadAt: '2026-11-23T02:02:00.000Z', replayedAt: '2026-11-23T03:00:00.000Z', replayedBy: 'alice',
    });
  });

  it('sorts by key, reason and source topic each way (a missing key last), ties newest first', async () => {
    expect(await keys('sort=key&order=asc')).toEqual(['m-apple', 'm-fig', 'm-pear', null]);
    expect(await keys('sort=key&order=desc')).toEqual(['m-pear', 'm-fig', 'm-apple', null]);
    expect(await keys('sort=reason')).toEqual([null, 'm-fig', 'm-apple', 'm-pear']);
    expect(await keys('sort=sourceTopic&order=desc')).toEqual(['m-pear', 'm-apple', 'm-fig', null]);
    expect(await keys('sort=deadAt&order=asc')).toEqual(['m-apple', 'm-pear', 'm-fig', null]);
  });

  it('filters by source topic, dead-letter topic, reason, replayed or not and part of the key or message', async () => {
    expect(await keys('sourceTopic=violations.detected.v1')).toEqual(['m-pear', 'm-apple']);
    expect(await keys('topic=sanctions.decided.v1.dlq')).toEqual(['m-fig']);
    expect(await keys('reason=SCHEMA_INVALID')).toEqual(['m-fig', 'm-apple']);
    expect(await keys('replayed=yes')).toEqual(['m-pear']);
    expect(await keys('replayed=no&sort=key')).toEqual(['m-apple', 'm-fig', null]);
    expect(await keys('query=INTEGER')).toEqual(['m-fig']);
    expect(await keys('query=m-a')).toEqual(['m-apple']);
    expect((await http.get('/v1/ops/dead-letters?reason=SCHEMA_INVALID&limit=1')).body).toMatchObject({ items: [{ key: 'm-fig' }], total: 2, limit: 1 });
  });

  it('pages with the total over every page; a page past the end is empty but counted', async () => {
    expect((await http.get('/v1/ops/dead-letters?sort=key&limit=2&offset=2')).body).toMatchObject({ items: [{ key: 'm-pear' }, { key: null }], total: 4, limit: 2, offset: 2 });
    expect((await http.get('/v1/ops/dead-letters?limit=2&offset=8')).body).toEqual({ items: [], total: 4, limit: 2, offset: 8 });
  });

  it.each([
    ['sort=value', 'sort'],
    ['sort=dead_at%20DESC%3B%20DELETE%20FROM%20dead_letter', 'sort'],
    ['order=up', 'order'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['offset=10001', 'offset'],
    ['replayed=maybe', 'replayed'],
  ])('answers %s with a 400 problem naming %s', async (query, field) => {
    const { status, contentType, body } = await http.get(`/v1/ops/dead-letters?${query}`);
    expect(status).toBe(400);
    expect(contentType).toContain('application/problem+json');
    expect(body).toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
    expect(new Set(body.errors.map((e: { field: string }) => e.field))).toEqual(new Set([field]));
  });
});
