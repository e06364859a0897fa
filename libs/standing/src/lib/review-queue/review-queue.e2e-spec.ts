import { DataSource } from 'typeorm';
import { FixedClock, RuleBook } from '@penalty/domain';
import { openServiceDatabase, PIPELINE_MIGRATIONS } from '@penalty/persistence';
import { CLOCK, ProblemException } from '@penalty/runtime';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, serveControllers, type Infrastructure, type ServedControllers } from '@penalty/testing';
import { STANDING_READ_MODEL_MIGRATIONS } from '../standing.migrations';
import { OpsViewsController } from '../ops-views/ops-views.controller';

/**
 * The review queue's table query over HTTP on a real PostgreSQL: pending appeals and submitted
 * remediations as one queue, soonest deadline first by default, sorted each way, filtered by kind,
 * marketplace, holder and part of an id, paged with the total; every item without `limit`, as before.
 */
describe('review queue pages (real PostgreSQL, over HTTP)', () => {
  const databaseName = `review_page_${runId()}`;
  let infrastructure: Infrastructure;
  let ds: DataSource;
  let http: ServedControllers;
  let controller: OpsViewsController;

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    ds = await openServiceDatabase({ url, schema: 'api', migrations: [...PIPELINE_MIGRATIONS, ...STANDING_READ_MODEL_MIGRATIONS], poolSize: 2 });
    await ds.query(`INSERT INTO standing_profile (merchant_id, required_fen, exam_eligible, updated_at, marketplace) VALUES ('m-global', 0, true, now(), 'tmall-global')`);
    await ds.query(`INSERT INTO standing_sanction (sanction_id, merchant_id, fine_fen, appeal_deadline) VALUES ('s-1', 'm-apple', NULL, '2026-11-25T10:00:00+08:00'), ('s-2', 'm-global', NULL, '2026-11-24T10:00:00+08:00')`);
    await ds.query(`INSERT INTO standing_appeal (appeal_id, merchant_id, subject_kind, subject_id, round, status, evidence, filed_at, updated_at, claimed_by, claimed_at) VALUES
      ('a-sanction-apple', 'm-apple', 'SANCTION', 's-1', 1, 'PENDING', '[]', '2026-11-21T10:00:00+08:00', now(), 'bob', '2026-11-22T09:00:00+08:00'),
      ('a-sanction-global', 'm-global', 'SANCTION', 's-2', 2, 'PENDING', '[]', '2026-11-22T10:00:00+08:00', now(), NULL, NULL),
      ('a-penalty-fig', 'm-fig', 'PENALTY', 'v-9', 1, 'PENDING', '[]', '2026-11-20T10:00:00+08:00', now(), 'Alice', '2026-11-22T08:00:00+08:00'),
      ('a-decided', 'm-fig', 'PENALTY', 'v-8', 1, 'ACCEPTED', '[]', '2026-11-19T10:00:00+08:00', now(), NULL, NULL)`);
    await ds.query(`INSERT INTO standing_forgery_case (case_id, merchant_id, violation_id, case_number, severity, rule_version, status, opened_at, remediation_closes_at, sanction_ids, updated_at, submitted_at, documents) VALUES
      ('c-pear', 'm-pear', 'v-5', 1, 'GENERAL', '2022-06-27', 'REMEDIATION_SUBMITTED', '2026-11-18T10:00:00+08:00', '2026-11-23T18:00:00+08:00', '[]', now(), '2026-11-22T12:00:00+08:00', '[{"kind":"LICENCE"}]'),
      ('c-open', 'm-pear', 'v-6', 2, 'GENERAL', '2022-06-27', 'REMEDIATION_OPEN', '2026-11-18T10:00:00+08:00', '2026-11-30T18:00:00+08:00', '[]', now(), NULL, '[]')`);
    const clock = new FixedClock('2026-11-23T10:00:00+08:00');
    const rules = new RuleBook(undefined, 'tmall');
    controller = new OpsViewsController(ds, rules, clock);
    http = await serveControllers([OpsViewsController], [{ provide: DataSource, useValue: ds }, { provide: RuleBook, useValue: rules }, { provide: CLOCK, useValue: clock }]);
  }, 120_000);

  afterAll(async () => {
    await http?.close();
    await ds?.destroy();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
    await infrastructure?.stop();
  });

  const ids = async (query: string) => {
    const { status, body } = await http.get(`/v1/ops/review-queue?${query}`);
    expect(status).toBe(200);
    return (body.items as { id: string }[]).map((i) => i.id);
  };

  it('answers every pending item without a limit, soonest deadline first (none last, then by submission), with the total', async () => {
    const { body } = await http.get('/v1/ops/review-queue');
    expect(body).toMatchObject({ total: 4, offset: 0, limit: 4 });
    expect(body.items.map((i: { id: string }) => i.id)).toEqual(['c-pear', 'a-sanction-global', 'a-sanction-apple', 'a-penalty-fig']);
    expect(body.items[0]).toEqual({
      kind: 'FORGERY_REMEDIATION', id: 'c-pear', merchantId: 'm-pear', marketplace: 'tmall', subjectKind: 'FORGERY_CASE', subjectId: 'c-pear', caseNumber: 1, violationId: 'v-5',
      submittedAt: '2026-11-22T12:00:00+08:00', deadline: '2026-11-23T18:00:00+08:00', evidence: [{ kind: 'LICENCE' }], claimedBy: null, claimedAt: null,
    });
    expect(body.items[1]).toMatchObject({ kind: 'APPEAL', round: 2, marketplace: 'tmall-global', deadline: '2026-11-24T10:00:00+08:00' });
    expect(body.items[1]).not.toHaveProperty('caseNumber');
  });

  it('sorts by submission, merchant, kind and holder each way', async () => {
    expect(await ids('sort=submittedAt')).toEqual(['c-pear', 'a-sanction-global', 'a-sanction-apple', 'a-penalty-fig']);
    expect(await ids('sort=submittedAt&order=asc')).toEqual(['a-penalty-fig', 'a-sanction-apple', 'a-sanction-global', 'c-pear']);
    expect(await ids('sort=merchantId&order=desc')).toEqual(['c-pear', 'a-sanction-global', 'a-penalty-fig', 'a-sanction-apple']);
    expect(await ids('sort=kind&order=desc')).toEqual(['c-pear', 'a-sanction-global', 'a-sanction-apple', 'a-penalty-fig']);
    // Holders any case; the unclaimed last either way.
    expect(await ids('sort=claimedBy')).toEqual(['a-penalty-fig', 'a-sanction-apple', 'c-pear', 'a-sanction-global']);
    expect(await ids('sort=claimedBy&order=desc')).toEqual(['a-sanction-apple', 'a-penalty-fig', 'c-pear', 'a-sanction-global']);
  });

  it('filters by kind, marketplace, holder, claimed or not and part of the merchant or item id', async () => {
    expect(await ids('kind=FORGERY_REMEDIATION')).toEqual(['c-pear']);
    expect(await ids('marketplace=tmall-global')).toEqual(['a-sanction-global']);
    expect(await ids('claimedBy=bob')).toEqual(['a-sanction-apple']);
    expect(await ids('claim=unclaimed')).toEqual(['c-pear', 'a-sanction-global']);
    expect(await ids('claim=claimed&kind=APPEAL')).toEqual(['a-sanction-apple', 'a-penalty-fig']);
    expect(await ids('query=APPLE')).toEqual(['a-sanction-apple']);
    expect(await ids('query=penalty')).toEqual(['a-penalty-fig']);
  });

  it('pages with the total over every page; a page past the end is empty but counted', async () => {
    expect((await http.get('/v1/ops/review-queue?limit=2&offset=1')).body).toMatchObject({ items: [{ id: 'a-sanction-global' }, { id: 'a-sanction-apple' }], total: 4, limit: 2, offset: 1 });
    expect((await http.get('/v1/ops/review-queue?limit=2&offset=6')).body).toEqual({ items: [], total: 4, limit: 2, offset: 6 });
  });

  it("keeps a scoped reviewer to their marketplaces and refuses a filter on another's", async () => {
    expect((await controller.reviewQueue({ sort: 'merchantId' }, ['tmall'])).items.map((i) => i.id)).toEqual(['a-sanction-apple', 'a-penalty-fig', 'c-pear']);
    const refused = await controller.reviewQueue({ marketplace: 'tmall-global' }, ['tmall']).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProblemException);
    expect(refused).toMatchObject({ status: 403, code: 'AUTH.MARKETPLACE_FORBIDDEN' });
  });

  it.each([
    ['sort=evidence', 'sort'],
    ['sort=deadline%3B%20DROP%20TABLE%20standing_appeal', 'sort'],
    ['order=random', 'order'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['offset=10001', 'offset'],
    ['kind=PENALTY', 'kind'],
    ['claim=mine', 'claim'],
    ['marketplace=Tmall%20Global', 'marketplace'],
  ])('answers %s with a 400 problem naming %s', async (query, field) => {
    const { status, contentType, body } = await http.get(`/v1/ops/review-queue?${query}`);
    expect(status).toBe(400);
    expect(contentType).toContain('application/problem+json');
    expect(body).toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
    expect(new Set(body.errors.map((e: { field: string }) => e.field))).toEqual(new Set([field]));
  });
});
