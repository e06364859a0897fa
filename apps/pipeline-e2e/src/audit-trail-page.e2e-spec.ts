import { DataSource } from 'typeorm';
import { AuditTrailController, openServiceDatabase, PIPELINE_MIGRATIONS, recordAudit } from '@penalty/persistence';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, serveControllers, type Infrastructure, type ServedControllers } from '@penalty/testing';

/**
 * The audit trails' table queries over HTTP on a real PostgreSQL (every service mounts the same routes:
 * the api's whole trail on Access, the scoring and sanction services' merchant trails on a merchant's
 * page): sorted each way with ties newest first, filtered, paged with the total over every page, and a
 * bad sort key, order or page size answered as a 400 problem naming the field.
 */
describe('audit trail pages (real PostgreSQL, over HTTP)', () => {
  const databaseName = `audit_page_${runId()}`;
  let infrastructure: Infrastructure;
  let ds: DataSource;
  let http: ServedControllers;

  const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 2, minute));
  const entries = [
    { actor: 'carol', action: 'OPERATOR.CREATE', merchantId: '', subjectType: 'OPERATOR', subjectId: 'dave', reason: 'new colleague', occurredAt: at(1) },
    { actor: 'alice', action: 'SANCTION.LIFT', merchantId: 'm-1', subjectType: 'SANCTION', subjectId: 's-1', reason: 'lifted after review', occurredAt: at(2) },
    { actor: 'Bob', action: 'API_KEY.REVOKE', merchantId: '', subjectType: 'API_KEY', subjectId: 'k-1', reason: 'leaked 100% sure', occurredAt: at(3) },
    { actor: 'alice', action: 'EXAM_CHANCE.GRANT', merchantId: 'm-1', subjectType: 'EXAM_CHANCE', subjectId: 'c-1', reason: 'eligible', occurredAt: at(4) },
    { actor: 'alice', action: 'SANCTION.LIFT', merchantId: 'm-2', subjectType: 'SANCTION', subjectId: 's-2', reason: 'court order', occurredAt: at(5) },
  ];

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    ds = await openServiceDatabase({ url, schema: 'api', migrations: PIPELINE_MIGRATIONS, poolSize: 2 });
    for (const entry of entries) await recordAudit(ds.manager, entry);
    http = await serveControllers([AuditTrailController], [{ provide: DataSource, useValue: ds }]);
  }, 120_000);

  afterAll(async () => {
    await http?.close();
    await ds?.destroy();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
    await infrastructure?.stop();
  });

  const subjects = async (query: string) => {
    const { status, body } = await http.get(`/v1/audit?${query}`);
    expect(status).toBe(200);
    return (body.items as { subjectId: string }[]).map((e) => e.subjectId);
  };

  it('answers newest first by default, with the total, limit and offset beside the items', async () => {
    const { status, body } = await http.get('/v1/audit');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 5, limit: 100, offset: 0 });
    expect(body.items.map((e: { subjectId: string }) => e.subjectId)).toEqual(['s-2', 'c-1', 'k-1', 's-1', 'dave']);
    expect(body.items[0]).toMatchObject({ actor: 'alice', action: 'SANCTION.LIFT', merchantId: 'm-2', subjectType: 'SANCTION', reason: 'court order', occurredAt: '2026-11-23T10:05:00+08:00' });
  });

  it('sorts by actor (any case) and by action each way, ties newest first', async () => {
    expect(await subjects('sort=actor&order=asc')).toEqual(['s-2', 'c-1', 's-1', 'k-1', 'dave']);
    expect(await subjects('sort=actor&order=desc')).toEqual(['dave', 'k-1', 's-2', 'c-1', 's-1']);
    expect(await subjects('sort=action')).toEqual(['k-1', 'c-1', 'dave', 's-2', 's-1']);
    expect(await subjects('sort=occurredAt&order=asc')).toEqual(['dave', 's-1', 'k-1', 'c-1', 's-2']);
  });

  it('filters by actor, action, subject type and part of the actor, subject, merchant or reason (literally)', async () => {
    expect(await subjects('actor=alice')).toEqual(['s-2', 'c-1', 's-1']);
    expect(await subjects('action=SANCTION.LIFT&sort=occurredAt&order=asc')).toEqual(['s-1', 's-2']);
    expect(await subjects('subjectType=API_KEY')).toEqual(['k-1']);
    expect(await subjects('query=REVIEW')).toEqual(['s-1']);
    expect(await subjects(`query=${encodeURIComponent('100%')}`)).toEqual(['k-1']);
    expect(await subjects('query=_')).toEqual([]);
    expect((await http.get('/v1/audit?actor=alice&action=SANCTION.LIFT')).body).toMatchObject({ total: 2 });
  });

  it("pages with the total over every page, a page past the end empty but counted, and a merchant's trail only its entries", async () => {
    expect((await http.get('/v1/audit?limit=2&offset=2')).body).toMatchObject({ items: [{ subjectId: 'k-1' }, { subjectId: 's-1' }], total: 5, limit: 2, offset: 2 });
    expect((await http.get('/v1/audit?limit=2&offset=40')).body).toEqual({ items: [], total: 5, limit: 2, offset: 40 });
    const trail = (await http.get('/v1/merchants/m-1/audit?sort=action&order=desc&limit=1')).body;
    expect(trail).toMatchObject({ merchantId: 'm-1', items: [{ subjectId: 's-1' }], total: 2, limit: 1, offset: 0 });
    expect((await http.get('/v1/merchants/m-1/audit?limit=1&offset=1')).body.items.map((e: { subjectId: string }) => e.subjectId)).toEqual(['s-1']);
  });

  it.each([
    ['sort=reason', 'sort'],
    ['sort=occurred_at%3B%20DROP%20TABLE%20audit_entry', 'sort'],
    ['order=sideways', 'order'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=10001', 'offset'],
    ['actor=', 'actor'],
  ])('answers %s with a 400 problem naming %s', async (query, field) => {
    for (const path of ['/v1/audit', '/v1/merchants/m-1/audit']) {
      const { status, contentType, body } = await http.get(`${path}?${query}`);
      expect(status).toBe(400);
      expect(contentType).toContain('application/problem+json');
      expect(body).toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
      expect(new Set(body.errors.map((e: { field: string }) => e.field))).toEqual(new Set([field]));
    }
  });
});
