import type { DataSource } from 'typeorm';
import { FixedClock, RuleBook } from '@penalty/domain';
import { MarketplaceConfig } from '@penalty/runtime';
import { openServiceDatabase, PIPELINE_MIGRATIONS } from '@penalty/persistence';
import type { TransactionRunner } from '@penalty/messaging';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, type Infrastructure } from '@penalty/testing';
import { STANDING_READ_MODEL_MIGRATIONS } from './standing.migrations';
import { DeadLetters1763900800000 } from './dead-letters.migration';
import { OpsViewsController } from './ops-views/ops-views.controller';
import { DeadLettersController } from './replay-dead-letters/dead-letters.controller';
import { StandingController } from './read-standing/standing.controller';

/**
 * The api's reads on a real PostgreSQL read model for operators whose roles are for some
 * marketplaces (rulebook section 9): the review queue names each item's marketplace and shows a
 * scoped reviewer only theirs; a merchant's standing, cases and timeline are refused them for a
 * merchant of another marketplace (its profile's, else the default).
 */
describe("reads by the operator's marketplaces (real PostgreSQL)", () => {
  const databaseName = `queue_${runId()}`;
  let infrastructure: Infrastructure;
  let ds: DataSource;
  let controller: OpsViewsController;
  let standing: StandingController;
  let deadLetters: DeadLettersController;

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    ds = await openServiceDatabase({ url, schema: 'api', migrations: [...PIPELINE_MIGRATIONS, ...STANDING_READ_MODEL_MIGRATIONS, DeadLetters1763900800000], poolSize: 2 });
    const clock = new FixedClock('2026-11-23T10:00:00+08:00');
    controller = new OpsViewsController(ds, new RuleBook(undefined, 'tmall'), clock);
    standing = new StandingController(ds, clock, Object.assign(new MarketplaceConfig(), { DEFAULT_MARKETPLACE: 'tmall' }));
    // The scope is checked before anything is replayed: a replay that passes it reaches this runner.
    const replaying = { run: () => Promise.reject(new Error('replayed')) } as unknown as TransactionRunner;
    deadLetters = new DeadLettersController(ds, replaying, clock, new RuleBook(undefined, 'tmall'));
    await ds.query(`INSERT INTO dead_letter (topic, partition, "offset", message_key, value, headers, reason, message, source_topic, dead_at) VALUES
      ('violations.detected.v1.dlq', 0, 1, 'm-global', '{}', '{}', 'SCHEMA_INVALID', 'x', 'violations.detected.v1', '2026-11-23T09:01:00+08:00'),
      ('violations.detected.v1.dlq', 0, 2, 'm-home', '{}', '{}', 'SCHEMA_INVALID', 'x', 'violations.detected.v1', '2026-11-23T09:02:00+08:00'),
      ('violations.detected.v1.dlq', 0, 3, 'm-bare', '{}', '{}', 'SCHEMA_INVALID', 'x', 'violations.detected.v1', '2026-11-23T09:03:00+08:00'),
      ('violations.detected.v1.dlq', 0, 4, NULL, '{}', '{}', 'UNPARSEABLE', 'x', 'violations.detected.v1', '2026-11-23T09:04:00+08:00')`);
    await ds.query(`INSERT INTO standing_profile (merchant_id, required_fen, exam_eligible, updated_at, marketplace) VALUES ('m-global', 0, true, now(), 'tmall-global'), ('m-home', 0, true, now(), 'tmall')`);
    // m-bare has no profile: the deployment's default marketplace.
    await ds.query(`INSERT INTO standing_appeal (appeal_id, merchant_id, subject_kind, subject_id, round, status, evidence, filed_at, updated_at) VALUES
      ('a-global', 'm-global', 'PENALTY', 'v-1', 1, 'PENDING', '[]', '2026-11-20T10:00:00+08:00', now()),
      ('a-home', 'm-home', 'PENALTY', 'v-2', 1, 'PENDING', '[]', '2026-11-21T10:00:00+08:00', now()),
      ('a-bare', 'm-bare', 'PENALTY', 'v-3', 1, 'PENDING', '[]', '2026-11-22T10:00:00+08:00', now()),
      ('a-decided', 'm-global', 'PENALTY', 'v-4', 1, 'ACCEPTED', '[]', '2026-11-19T10:00:00+08:00', now())`);
    await ds.query(`INSERT INTO standing_forgery_case (case_id, merchant_id, violation_id, case_number, severity, rule_version, status, opened_at, remediation_closes_at, sanction_ids, updated_at) VALUES
      ('c-global', 'm-global', 'v-5', 1, 'GENERAL', '2022-06-27', 'REMEDIATION_SUBMITTED', '2026-11-18T10:00:00+08:00', '2026-11-30T10:00:00+08:00', '[]', '2026-11-22T12:00:00+08:00')`);
  }, 120_000);

  afterAll(async () => {
    await ds?.destroy();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
    await infrastructure?.stop();
  });

  const queue = async (scope?: string[]) => (await controller.reviewQueue({}, scope)).items.map((i) => [i.id, i.marketplace]);

  it("shows every marketplace's items, each with its merchant's marketplace, to an operator of every marketplace", async () => {
    expect(await queue()).toEqual([['c-global', 'tmall-global'], ['a-global', 'tmall-global'], ['a-home', 'tmall'], ['a-bare', 'tmall']]);
  });

  it("shows a reviewer whose roles are for some marketplaces only those marketplaces' items", async () => {
    expect(await queue(['tmall-global'])).toEqual([['c-global', 'tmall-global'], ['a-global', 'tmall-global']]);
    expect(await queue(['tmall'])).toEqual([['a-home', 'tmall'], ['a-bare', 'tmall']]);
    expect(await queue([])).toEqual([]);
  });

  it("refuses a merchant's page (standing, cases, timeline) to an operator whose roles are for another marketplace", async () => {
    const refusal = (work: Promise<unknown>) => work.then(() => 'allowed', (e: { status?: number; code?: string }) => `${e.status} ${e.code}`);
    for (const read of [(id: string, scope?: string[]) => standing.standing(id, scope), (id: string, scope?: string[]) => standing.cases(id, scope), (id: string, scope?: string[]) => controller.timeline(id, scope)]) {
      expect(await refusal(read('m-global', ['tmall']))).toBe('403 AUTH.MARKETPLACE_FORBIDDEN');
      expect(await refusal(read('m-bare', ['tmall-global']))).toBe('403 AUTH.MARKETPLACE_FORBIDDEN');
      expect(await refusal(read('m-global', ['tmall-global']))).toBe('allowed');
      expect(await refusal(read('m-bare', ['tmall']))).toBe('allowed');
      expect(await refusal(read('m-home', undefined))).toBe('allowed');
    }
  });

  it("shows a scoped operator the dead letters of their marketplaces' merchants only, and refuses them a replay of any other", async () => {
    const keys = async (scope?: string[]) => (await deadLetters.list({}, scope)).items.map((d) => d.key);
    expect(await keys()).toEqual([null, 'm-bare', 'm-home', 'm-global']);
    expect(await keys(['tmall'])).toEqual(['m-bare', 'm-home']);
    expect(await keys(['tmall-global'])).toEqual(['m-global']);
    expect(await keys([])).toEqual([]);
    expect((await deadLetters.list({}, ['tmall'])).total).toBe(2);
    const replay = (offsets: string[], scope?: string[]) =>
      deadLetters.replay({ reason: 'fixed upstream', deadLetters: offsets.map((offset) => ({ topic: 'violations.detected.v1.dlq', partition: 0, offset })) }, 'admin-1', scope)
        .then(() => 'replayed', (e: { status?: number; code?: string; message?: string }) => (e.status ? `${e.status} ${e.code}` : e.message));
    expect(await replay(['1'], ['tmall'])).toBe('403 AUTH.MARKETPLACE_FORBIDDEN');
    expect(await replay(['2', '1'], ['tmall'])).toBe('403 AUTH.MARKETPLACE_FORBIDDEN');
    expect(await replay(['4'], ['tmall', 'tmall-global'])).toBe('403 AUTH.MARKETPLACE_FORBIDDEN');
    expect(await replay(['2', '3'], ['tmall'])).toBe('replayed');
    expect(await replay(['4'])).toBe('replayed');
    expect(await ds.query('SELECT count(*)::int AS n FROM dead_letter WHERE replayed_at IS NOT NULL')).toEqual([{ n: 0 }]);
  });
});
