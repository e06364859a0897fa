import type { DataSource } from 'typeorm';
import { FixedClock, RuleBook } from '@penalty/domain';
import { ProblemException } from '@penalty/runtime';
import { openServiceDatabase, PIPELINE_MIGRATIONS } from '@penalty/persistence';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, type Infrastructure } from '@penalty/testing';
import { STANDING_READ_MODEL_MIGRATIONS } from '../standing.migrations';
import { OpsViewsController } from '../ops-views/ops-views.controller';

/**
 * The dashboard's decision charts on a real PostgreSQL read model: sanctions and fines over a range in
 * Asia/Shanghai buckets, by node and by bucket, within the operator's marketplaces; and the sanctions
 * behind one bar (a node's, a bucket's), with their measures, newest first and paged.
 */
describe('decisions over a range and the sanctions behind a bar (real PostgreSQL)', () => {
  const databaseName = `decisions_${runId()}`;
  const clock = new FixedClock('2026-11-23T10:17:00+08:00');
  let infrastructure: Infrastructure;
  let ds: DataSource;
  let controller: OpsViewsController;

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    ds = await openServiceDatabase({ url, schema: 'api', migrations: [...PIPELINE_MIGRATIONS, ...STANDING_READ_MODEL_MIGRATIONS], poolSize: 2 });
    controller = new OpsViewsController(ds, new RuleBook(undefined, 'tmall'), clock);
    await ds.query(`INSERT INTO standing_profile (merchant_id, required_fen, exam_eligible, updated_at, marketplace) VALUES
      ('m-apple', 0, true, now(), 'tmall'), ('m-pear', 0, true, now(), 'tmall-global')`);
    await ds.query(
      `INSERT INTO standing_sanction (sanction_id, merchant_id, fine_fen, decided_at, kind, node, track) VALUES
        ('s-a', 'm-apple', 100000, '2026-11-23T10:05:00+08:00', 'LADDER', 12, 'SERIOUS'),
        ('s-b', 'm-pear', NULL, '2026-11-23T09:10:00+08:00', 'LADDER', 12, 'SERIOUS'),
        ('s-c', 'm-fig', 20000, '2026-11-22T12:00:00+08:00', 'LADDER', 5, 'GENERAL'),
        ('s-d', 'm-apple', 500000, '2026-11-20T08:00:00+08:00', 'LADDER', 24, 'SERIOUS'),
        ('s-e', 'm-plum', 0, '2026-11-01T00:00:00+08:00', 'FORGERY_THIRD_CASE', NULL, NULL),
        ('s-f', 'm-plum', 7, '2026-10-01T00:00:00+08:00', 'LADDER', 12, 'SERIOUS'),
        ('s-g', 'm-plum', 9, NULL, 'LADDER', 12, 'SERIOUS')`,
    );
    await ds.query(`INSERT INTO standing_measure (sanction_id, merchant_id, type, ends_at, lifted_at) VALUES
      ('s-a', 'm-apple', 'STORE_SHIELDING', NULL, NULL), ('s-a', 'm-apple', 'DELISTING', NULL, NULL), ('s-c', 'm-fig', 'TRAFFIC_LIMIT', NULL, NULL)`);
  }, 120_000);

  afterAll(async () => {
    await ds?.destroy();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
    await infrastructure?.stop();
  });

  const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);
  const nonEmpty = (buckets: { start: string; sanctions: number; finesFen: number }[]) => buckets.filter((b) => b.sanctions > 0);

  it('counts the last hour by minute: only what was decided since 09:18', async () => {
    const hour = await controller.decisions({ range: '1h' });
    expect(hour).toMatchObject({ range: '1h', bucket: 'minute', from: '2026-11-23T09:18:00+08:00', to: '2026-11-23T10:18:00+08:00' });
    expect(hour.buckets).toHaveLength(60);
    expect(nonEmpty(hour.buckets)).toEqual([{ start: '2026-11-23T10:05:00+08:00', sanctions: 1, finesFen: 100000 }]);
    expect(hour.byNode).toEqual([{ node: '12', sanctions: 1, finesFen: 100000 }]);
  });

  it("counts 24 hours by hour (the default range), a GENERAL ladder's node named with its track", async () => {
    const day = await controller.decisions({});
    expect(day).toMatchObject({ range: '24h', bucket: 'hour', from: '2026-11-22T11:00:00+08:00' });
    expect(day.buckets).toHaveLength(24);
    expect(nonEmpty(day.buckets)).toEqual([
      { start: '2026-11-22T12:00:00+08:00', sanctions: 1, finesFen: 20000 },
      { start: '2026-11-23T09:00:00+08:00', sanctions: 1, finesFen: 0 },
      { start: '2026-11-23T10:00:00+08:00', sanctions: 1, finesFen: 100000 },
    ]);
    expect(day.byNode).toEqual([{ node: '12', sanctions: 2, finesFen: 100000 }, { node: 'GENERAL 5', sanctions: 1, finesFen: 20000 }]);
  });

  it('counts 7 and 30 days by Asia/Shanghai day, and keeps today by node and the 30 days as before', async () => {
    const week = await controller.decisions({ range: '7d' });
    expect(week.buckets.map((b) => b.start.slice(0, 10))).toEqual(['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']);
    expect(week.buckets.map((b) => b.sanctions)).toEqual([0, 0, 0, 1, 0, 1, 2]);
    expect(week.byNode.map((n) => n.node)).toEqual(['12', '24', 'GENERAL 5']);
    const month = await controller.decisions({ range: '30d' });
    expect(month.buckets).toHaveLength(30);
    // The forgery sanction outside the ladders counts by its kind; 10-01 is before the 30 days; s-g is not decided.
    expect(month.byNode).toContainEqual({ node: 'FORGERY_THIRD_CASE', sanctions: 1, finesFen: 0 });
    expect(month.buckets.reduce((n, b) => n + b.sanctions, 0)).toBe(5);
    expect(month.today).toEqual(expect.arrayContaining([{ node: '12', sanctions: 2, finesFen: 100000 }]));
    expect(month.today).toHaveLength(1);
    expect(month.days).toHaveLength(30);
    expect(month.days[0].day).toBe('2026-10-25');
    expect(month.days[29]).toEqual({ day: '2026-11-23', sanctions: 2, finesFen: 100000 });
  });

  it("counts an operator whose roles are for some marketplaces only those marketplaces' merchants (no profile: the default)", async () => {
    const global = await controller.decisions({ range: '24h' }, ['tmall-global']);
    expect(global.byNode).toEqual([{ node: '12', sanctions: 1, finesFen: 0 }]);
    const tmall = await controller.decisionSanctions({ range: '24h' }, ['tmall']);
    expect(tmall.items.map((s) => s.sanctionId)).toEqual(['s-a', 's-c']);
  });

  it("lists a node's sanctions over the range with merchant, measures, fine and time, newest first", async () => {
    const page = await controller.decisionSanctions({ range: '24h', node: '12' });
    expect(page).toEqual({
      items: [
        { sanctionId: 's-a', merchantId: 'm-apple', marketplace: 'tmall', node: '12', measures: ['DELISTING', 'STORE_SHIELDING'], fineFen: 100000, decidedAt: '2026-11-23T10:05:00+08:00' },
        { sanctionId: 's-b', merchantId: 'm-pear', marketplace: 'tmall-global', node: '12', measures: [], fineFen: null, decidedAt: '2026-11-23T09:10:00+08:00' },
      ],
      total: 2, limit: 20, offset: 0,
    });
    expect((await controller.decisionSanctions({ range: '24h', node: 'GENERAL 5' })).items.map((s) => [s.sanctionId, s.measures])).toEqual([['s-c', ['TRAFFIC_LIMIT']]]);
  });

  it("lists a bucket's sanctions (a day's bar), optionally one node's, and pages with the total over every page", async () => {
    expect((await controller.decisionSanctions({ range: '7d', bucket: '2026-11-23T00:00:00+08:00' })).items.map((s) => s.sanctionId)).toEqual(['s-a', 's-b']);
    // The same instant written in UTC is the same bucket.
    expect((await controller.decisionSanctions({ range: '7d', bucket: '2026-11-19T16:00:00Z' })).items.map((s) => s.sanctionId)).toEqual(['s-d']);
    expect((await controller.decisionSanctions({ range: '30d', bucket: '2026-11-23T00:00:00+08:00', node: '24' })).total).toBe(0);
    expect(await controller.decisionSanctions({ range: '30d', limit: '2', offset: '1' })).toMatchObject({ items: [{ sanctionId: 's-b' }, { sanctionId: 's-c' }], total: 5, limit: 2, offset: 1 });
    expect(await controller.decisionSanctions({ range: '30d', limit: '2', offset: '10' })).toEqual({ items: [], total: 5, limit: 2, offset: 10 });
  });

  it.each([
    ['decisions', { range: '2h' }, 'range'],
    ['decisions', { range: ['1h', '7d'] }, 'range'],
    ['sanctions', { range: '90d' }, 'range'],
    ['sanctions', { limit: '0' }, 'limit'],
    ['sanctions', { limit: '201' }, 'limit'],
    ['sanctions', { offset: '-1' }, 'offset'],
    ['sanctions', { node: 'x'.repeat(65) }, 'node'],
    ['sanctions', { bucket: 'yesterday' }, 'bucket'],
    // Not the start of a bucket, or a bucket outside the range.
    ['sanctions', { range: '24h', bucket: '2026-11-23T09:30:00+08:00' }, 'bucket'],
    ['sanctions', { range: '7d', bucket: '2026-11-01T00:00:00+08:00' }, 'bucket'],
  ] as const)('refuses %s %j with a 400 problem naming the field', async (route, query, field) => {
    const error = await refusal(route === 'decisions' ? controller.decisions(query as Record<string, unknown>) : controller.decisionSanctions(query as Record<string, unknown>));
    expect(error).toBeInstanceOf(ProblemException);
    expect((error as ProblemException).status).toBe(400);
    expect(new Set((error as ProblemException).errors?.map((e) => e.field))).toEqual(new Set([field]));
  });
});
