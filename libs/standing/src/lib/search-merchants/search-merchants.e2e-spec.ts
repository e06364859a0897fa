import type { DataSource } from 'typeorm';
import { FixedClock } from '@penalty/domain';
import { MarketplaceConfig, ProblemException } from '@penalty/runtime';
import { openServiceDatabase, PIPELINE_MIGRATIONS } from '@penalty/persistence';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, type Infrastructure } from '@penalty/testing';
import { STANDING_READ_MODEL_MIGRATIONS } from '../standing.migrations';
import { SearchMerchantsController } from './search-merchants.controller';

/**
 * Operators' merchant search on a real PostgreSQL read model: by part of the id or of either name,
 * case-insensitively and literally (LIKE wildcards are text); by marketplace and by state as of the
 * clock; sorted with ties broken by id; paged with the total over every page.
 */
describe('searching merchants (real PostgreSQL)', () => {
  const databaseName = `search_${runId()}`;
  const clock = new FixedClock('2026-11-23T10:00:00+08:00');
  let infrastructure: Infrastructure;
  let ds: DataSource;
  let search: SearchMerchantsController['search'];

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    ds = await openServiceDatabase({ url, schema: 'api', migrations: [...PIPELINE_MIGRATIONS, ...STANDING_READ_MODEL_MIGRATIONS], poolSize: 2 });
    const controller = new SearchMerchantsController(ds, clock, Object.assign(new MarketplaceConfig(), { DEFAULT_MARKETPLACE: 'tmall' }));
    search = (query, scope) => controller.search(query, scope);
    const profile = (id: string, marketplace: string | null, displayName: string | null, storeName: string | null) =>
      ds.query(`INSERT INTO standing_profile (merchant_id, required_fen, exam_eligible, updated_at, marketplace, display_name, store_name) VALUES ($1, 0, true, now(), $2, $3, $4)`, [id, marketplace, displayName, storeName]);
    await profile('m-apple', 'tmall', 'Apple Trading Co.', '苹果旗舰店');
    await profile('m-pear', 'tmall-global', 'Pear 100% Natural', 'Pear Global Store');
    await profile('m-fig', null, null, 'Fig_Shop');
    await profile('m-quince', 'tmall', 'Quince Ltd', null);
    // Points this year (2026) and last year; a merchant known only by its points.
    await ds.query(`INSERT INTO standing_points (merchant_id, natural_year, general, serious) VALUES
      ('m-apple', 2026, 3, 24), ('m-pear', 2026, 0, 12), ('m-fig', 2026, 6, 0), ('m-apple', 2025, 0, 48), ('m-plum', 2026, 1, 36)`);
    await ds.query(`INSERT INTO standing_sanction (sanction_id, merchant_id, fine_fen) VALUES ('s-1', 'm-apple', NULL), ('s-2', 'm-pear', NULL), ('s-3', 'm-plum', NULL)`);
    await ds.query(`INSERT INTO standing_measure (sanction_id, merchant_id, type, ends_at, lifted_at) VALUES
      ('s-1', 'm-apple', 'STORE_SHIELDING', '2026-11-30T10:00:00+08:00', NULL),
      ('s-2', 'm-pear', 'STORE_SHIELDING', '2026-11-20T10:00:00+08:00', NULL),
      ('s-2', 'm-pear', 'STORE_SUPERVISION', NULL, '2026-11-21T10:00:00+08:00'),
      ('s-3', 'm-plum', 'TERMINATION', NULL, NULL)`);
    await ds.query(`INSERT INTO standing_deposit (merchant_id, required_fen, balance_fen, shortfall_fen, top_up_due_at, updated_at) VALUES
      ('m-fig', 1000000, 500000, 500000, '2026-12-10T10:00:00+08:00', now()), ('m-quince', 1000000, 500000, 500000, '2026-11-01T10:00:00+08:00', now())`);
    await ds.query(`INSERT INTO standing_exam_chance (chance_id, merchant_id, natural_year, status, expires_at, updated_at) VALUES
      ('c-1', 'm-quince', 2026, 'GRANTED', '2027-01-01T00:00:00+08:00', now()), ('c-2', 'm-fig', 2026, 'USED', '2027-01-01T00:00:00+08:00', now())`);
  }, 120_000);

  afterAll(async () => {
    await ds?.destroy();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
    await infrastructure?.stop();
  });

  const ids = async (query: Record<string, unknown>) => (await search(query)).items.map((m) => m.merchantId);

  it("finds merchants by part of their id, display name or store name, ignoring case, with names, marketplace and this year's points", async () => {
    expect(await ids({ query: 'APPLE' })).toEqual(['m-apple']);
    expect(await ids({ query: 'trading' })).toEqual(['m-apple']);
    expect(await ids({ query: '旗舰' })).toEqual(['m-apple']);
    expect(await ids({ query: 'global store' })).toEqual(['m-pear']);
    const [apple] = (await search({ query: 'm-apple' })).items;
    expect(apple).toEqual({ merchantId: 'm-apple', marketplace: 'tmall', displayName: 'Apple Trading Co.', storeName: '苹果旗舰店', general: 3, serious: 24, test: false });
    // Without a profile: the deployment's default marketplace and no names.
    expect((await search({ query: 'plum' })).items).toEqual([{ merchantId: 'm-plum', marketplace: 'tmall', displayName: null, storeName: null, general: 1, serious: 36, test: false }]);
  });

  it("finds an operator whose roles are for some marketplaces only those marketplaces' merchants", async () => {
    expect((await search({ sort: 'merchantId' }, ['tmall-global'])).items.map((m) => m.merchantId)).toEqual(['m-pear']);
    // A merchant without a profile is of the default marketplace.
    expect((await search({ sort: 'merchantId' }, ['tmall'])).items.map((m) => m.merchantId)).toEqual(['m-apple', 'm-fig', 'm-plum', 'm-quince']);
    expect(await search({ query: 'pear' }, ['tmall'])).toMatchObject({ items: [], total: 0 });
    expect(await search({ marketplace: 'tmall-global' }, ['tmall-global', 'tmall'])).toMatchObject({ total: 1 });
    const refused = await search({ marketplace: 'tmall' }, ['tmall-global']).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProblemException);
    expect(refused).toMatchObject({ status: 403, code: 'AUTH.MARKETPLACE_FORBIDDEN' });
    expect(await search({}, [])).toMatchObject({ items: [], total: 0 });
  });

  it("matches LIKE's wildcards literally", async () => {
    expect(await ids({ query: '100%' })).toEqual(['m-pear']);
    expect(await ids({ query: 'e_r' })).toEqual([]);
    expect(await ids({ query: 'fig_' })).toEqual(['m-fig']);
  });

  it('filters by marketplace (a profile without one is the default marketplace) and by state as of now', async () => {
    expect(await ids({ marketplace: 'tmall-global' })).toEqual(['m-pear']);
    expect((await ids({ marketplace: 'tmall', sort: 'merchantId' }))).toEqual(['m-apple', 'm-fig', 'm-plum', 'm-quince']);
    // m-pear's shielding ended on 11-20 and its supervision was lifted; m-plum's termination has no end.
    expect(await ids({ state: 'ACTIVE_MEASURES', sort: 'merchantId' })).toEqual(['m-apple', 'm-plum']);
    expect(await ids({ state: 'SUPERVISED' })).toEqual([]);
    expect(await ids({ state: 'TERMINATED' })).toEqual(['m-plum']);
    expect(await ids({ state: 'TOP_UP_OPEN' })).toEqual(['m-fig']);
    expect(await ids({ state: 'EXAM_CHANCE_HELD' })).toEqual(['m-quince']);
    expect(await ids({ state: 'ACTIVE_MEASURES', marketplace: 'tmall', query: 'apple' })).toEqual(['m-apple']);
  });

  it('sorts by any column (ties by id, names without a value last) and pages with the total over every page', async () => {
    expect(await ids({})).toEqual(['m-plum', 'm-apple', 'm-pear', 'm-fig', 'm-quince']);
    expect(await ids({ sort: 'general', order: 'asc' })).toEqual(['m-pear', 'm-quince', 'm-plum', 'm-apple', 'm-fig']);
    expect(await ids({ sort: 'displayName' })).toEqual(['m-apple', 'm-pear', 'm-quince', 'm-fig', 'm-plum']);
    expect(await ids({ sort: 'storeName', order: 'desc' })).toEqual(['m-apple', 'm-pear', 'm-fig', 'm-plum', 'm-quince']);
    expect(await search({ sort: 'merchantId', limit: '2', offset: '2' })).toEqual(
      expect.objectContaining({ items: [expect.objectContaining({ merchantId: 'm-pear' }), expect.objectContaining({ merchantId: 'm-plum' })], total: 5, limit: 2, offset: 2 }),
    );
    expect(await search({ limit: '2', offset: '10' })).toEqual({ items: [], total: 5, limit: 2, offset: 10 });
    expect(await search({ query: 'nobody' })).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '201' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ offset: '-1' }, 'offset'],
    [{ offset: '10001' }, 'offset'],
    [{ sort: 'merchant_id; DROP TABLE standing_profile' }, 'sort'],
    [{ order: 'sideways' }, 'order'],
    [{ state: 'BANKRUPT' }, 'state'],
    [{ state: ['TERMINATED', 'SUPERVISED'] }, 'state'],
    [{ marketplace: 'Tmall Global' }, 'marketplace'],
    [{ query: 'x'.repeat(201) }, 'query'],
    [{ testMerchants: 'hide' }, 'testMerchants'],
  ])('refuses %j with a problem naming the field', async (query, field) => {
    const refusal = await search(query).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ProblemException);
    expect((refusal as ProblemException).status).toBe(400);
    expect(new Set((refusal as ProblemException).errors?.map((e) => e.field))).toEqual(new Set([field]));
  });

  it('marks test merchants (an id starting with test- or demo-, any case) and leaves them out when asked', async () => {
    await ds.query(`INSERT INTO standing_points (merchant_id, natural_year, general, serious) VALUES ('test-kiwi', 2026, 0, 6), ('DEMO-m-1001', 2026, 0, 6), ('m-testing', 2026, 0, 6)`);
    try {
      const all = (await search({ sort: 'merchantId' })).items;
      expect(all.filter((m) => m.test).map((m) => m.merchantId)).toEqual(['DEMO-m-1001', 'test-kiwi']);
      expect(await ids({ sort: 'merchantId', testMerchants: 'include' })).toEqual(all.map((m) => m.merchantId));
      const real = await search({ sort: 'merchantId', testMerchants: 'exclude' });
      expect(real.items.map((m) => m.merchantId)).toEqual(['m-apple', 'm-fig', 'm-pear', 'm-plum', 'm-quince', 'm-testing']);
      expect(real.total).toBe(6);
      expect(await ids({ query: 'kiwi', testMerchants: 'exclude' })).toEqual([]);
    } finally {
      await ds.query(`DELETE FROM standing_points WHERE merchant_id IN ('test-kiwi', 'DEMO-m-1001', 'm-testing')`);
    }
  });
});
