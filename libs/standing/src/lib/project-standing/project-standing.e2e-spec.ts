import { logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { systemClock } from '@penalty/domain';
import { createKafkaClient, OutboxPublisher, TransactionalInbox, TransactionRunner, type BatchHandler, type InboundBatch, type InboundEvent, type KafkaSettings, type Tx } from '@penalty/messaging';
import { openServiceDatabase, PIPELINE_MIGRATIONS } from '@penalty/persistence';
import { MarketplaceConfig, PipelineMetrics } from '@penalty/runtime';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, type Infrastructure } from '@penalty/testing';
import { STANDING_READ_MODEL_MIGRATIONS } from '../standing.migrations';
import { StandingPointsRepository } from '../standing-points.repository';
import { StandingProfileRepository } from '../standing-profile.repository';
import { StandingRemediesRepository } from '../standing-remedies.repository';
import { StandingSanctionsRepository } from '../standing-sanctions.repository';
import { ProjectPenaltiesHandler } from './project-penalties.handler';
import { ProjectProfilesHandler } from './project-profiles.handler';
import { ProjectRemediesHandler } from './project-remedies.handler';
import { ProjectSanctionsHandler } from './project-sanctions.handler';

const STANDING_MIGRATIONS = [...PIPELINE_MIGRATIONS, ...STANDING_READ_MODEL_MIGRATIONS];
const TABLES: Record<string, string> = {
  standing_points: 'merchant_id, natural_year',
  standing_penalty_event: 'event_id',
  standing_sanction: 'sanction_id',
  standing_measure: 'sanction_id, type',
  standing_profile: 'merchant_id',
  standing_deposit: 'merchant_id',
  standing_exam_chance: 'chance_id',
  standing_exam_offer: 'chance_id, violation_id',
  standing_forgery_case: 'case_id',
  standing_appeal: 'appeal_id',
};

let sequence = 0;
const event = (type: string, merchantId: string, data: object, time: string, id = `ev-${++sequence}`): InboundEvent => ({
  event: { specversion: '1.0', id, source: 'test', type, time, subject: merchantId, datacontenttype: 'application/json', data } as InboundEvent['event'],
  topic: 'test.topic',
  partition: 0,
  offset: String(sequence),
  key: merchantId,
  raw: Buffer.from(id),
});
const assessed = (merchantId: string, naturalYear: number, totals: { general: number; serious: number }, time: string, type = 'penalty.assessed.v1') =>
  event(type, merchantId, { assessmentId: `a-${sequence}`, violationId: `v-${sequence}`, merchantId, track: 'SERIOUS', points: 12, waiver: type === 'penalty.adjusted.v1' ? 'APPEAL' : null, naturalYear, totals, ruleVersion: '2022-06-27' }, time);
const imposed = (merchantId: string, sanctionId: string, types: string[], time: string) =>
  event('sanction.imposed.v1', merchantId, {
    sanctionId, merchantId, cause: { kind: 'LADDER_NODE', track: 'SERIOUS', node: 12, naturalYear: 2026, violationIds: ['v-1'] },
    measures: types.map((type) => ({ type, startsAt: time, endsAt: type === 'PUBLIC_WARNING' ? null : '2026-12-08T10:00:00+08:00' })),
    fine: { amountFen: 500_000, currency: 'CNY' }, ruleVersion: '2022-06-27', appealDeadline: '2026-12-16T10:00:00+08:00',
  }, time);
const lifted = (merchantId: string, sanctionId: string, measureTypes: string[], liftedAt: string) =>
  event('sanction.lifted.v1', merchantId, { sanctionId, merchantId, measureTypes, reason: 'OPERATOR', liftedAt }, liftedAt);
const profile = (merchantId: string, storeType: string, examEligible: boolean, time: string, names: { marketplace?: string; displayName?: string; storeName?: string } = {}) =>
  event('merchant.profile.updated.v1', merchantId, { merchantId, storeType, trademarkStatus: 'R', categories: [], examEligible, ...names }, time);
const deposit = (merchantId: string, balanceFen: number, topUpDueAt: string | null, time: string) =>
  event('deposit.updated.v1', merchantId, { merchantId, requiredFen: 1_000_000, balanceFen, shortfallFen: 1_000_000 - balanceFen, topUpDueAt, change: { kind: 'FINE', amountFen: -1, reference: null } }, time);
const chance = (merchantId: string, chanceId: string, status: string, offer: { violationId: string; choiceClosesAt: string } | null, time: string, violationId: string | null = null) =>
  event('exam-chance.updated.v1', merchantId, { chanceId, merchantId, naturalYear: 2026, status, expiresAt: '2027-01-01T00:00:00+08:00', violationId, offer, reason: null }, time);
const forgery = (merchantId: string, caseId: string, status: string, remediationClosesAt: string | null, time: string) =>
  event('forgery-case.updated.v1', merchantId, {
    caseId, merchantId, violationId: 'v-f', caseNumber: 1, severity: 'GENERAL', ruleVersion: '2022-06-27', status, openedAt: '2026-11-01T10:00:00+08:00', remediationClosesAt, sanctionIds: status === 'OPEN' ? [] : ['s-f'],
  }, time);
const appeal = (merchantId: string, appealId: string, status: string, time: string) =>
  event('appeal.updated.v1', merchantId, {
    appealId, merchantId, subject: { kind: 'SANCTION', id: 's-1' }, round: 1, status, rejectionReason: status === 'REJECTED' ? 'EVIDENCE_INSUFFICIENT' : null, evidence: [],
    filedAt: '2026-11-02T10:00:00+08:00', decidedAt: status === 'PENDING' ? null : time, secondAppealClosesAt: status === 'REJECTED' ? '2026-11-20T10:00:00+08:00' : null,
  }, time);

/**
 * The standing projection's batch handlers on a real PostgreSQL: each batch is written with one
 * statement per table, and leaves exactly what applying its events one at a time leaves (checked
 * against a second schema fed one event per batch): the latest state per row wins, every history row
 * is kept, lifts reach measures imposed earlier in the same batch, offers are coalesced as before.
 */
describe('standing projection, batch by batch (real PostgreSQL)', () => {
  const id = runId();
  const databaseName = `standing_${id}`;
  const settings: KafkaSettings = { brokers: [], clientId: 'standing-test', topicNamespace: `it-${id}.`, partitions: 3 };
  let infrastructure: Infrastructure;
  let whole: DataSource;
  let single: DataSource;
  let replica: DataSource;
  let publisher: OutboxPublisher;
  let inboxes: { whole: TransactionalInbox; single: TransactionalInbox; replica: TransactionalInbox };
  const handlers = {
    penalties: new ProjectPenaltiesHandler(new StandingPointsRepository()).handle,
    sanctions: new ProjectSanctionsHandler(new StandingSanctionsRepository()).handle,
    profiles: new ProjectProfilesHandler(new StandingProfileRepository(), new MarketplaceConfig()).handle,
    remedies: new ProjectRemediesHandler(new StandingRemediesRepository()).handle,
  };

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    settings.brokers = infrastructure.kafkaBrokers.split(',');
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    whole = await openServiceDatabase({ url, schema: 'standing_whole', migrations: STANDING_MIGRATIONS, poolSize: 4 });
    single = await openServiceDatabase({ url, schema: 'standing_single', migrations: STANDING_MIGRATIONS, poolSize: 2 });
    // A second replica of the api on the same schema: its own pool and inbox.
    replica = await openServiceDatabase({ url, schema: 'standing_whole', migrations: STANDING_MIGRATIONS, poolSize: 4 });
    const metrics = new PipelineMetrics('standing-test');
    publisher = new OutboxPublisher(createKafkaClient({ clientId: 'standing-test', brokers: settings.brokers, logLevel: logLevel.NOTHING }), settings, metrics);
    await publisher.start();
    const inboxOf = (ds: DataSource) => new TransactionalInbox(new TransactionRunner(ds, publisher, settings.partitions), systemClock, metrics);
    inboxes = { whole: inboxOf(whole), single: inboxOf(single), replica: inboxOf(replica) };
  }, 120_000);

  afterAll(async () => {
    await publisher?.stop();
    for (const ds of [whole, single, replica]) await ds?.destroy();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
  });

  const batch = (events: InboundEvent[]): InboundBatch => ({ topic: 'test.topic', events });
  /** Counts the statements a handler runs (the inbox's own processed_event insert is not the handler's). */
  const counted = (handler: BatchHandler, statements: string[]): BatchHandler => (b) => {
    const tx = b.tx;
    const counting: Tx = {
      get manager() {
        return tx.manager;
      },
      query: (sql, params) => {
        statements.push(sql.trim().split(/\s+/).slice(0, 3).join(' '));
        return tx.query(sql, params);
      },
      append: (entry) => tx.append(entry),
      publish: (topic, e) => tx.publish(topic, e),
      afterCommit: (fn) => tx.afterCommit(fn),
    };
    return handler({ ...b, tx: counting });
  };
  /** Applies the events as one batch to `standing_whole`, and one event per batch to `standing_single`. */
  const applyBothWays = async (handler: BatchHandler, events: InboundEvent[]) => {
    const statements: string[] = [];
    const result = await inboxes.whole.apply(batch(events), counted(handler, statements));
    for (const e of events) await inboxes.single.apply(batch([e]), handler);
    return { result, statements };
  };
  const rows = (ds: DataSource, table: string, where = '') => ds.query(`SELECT * FROM ${table} ${where} ORDER BY ${TABLES[table]}`);
  const expectSameAsOneByOne = async () => {
    for (const table of Object.keys(TABLES)) expect({ table, rows: await rows(whole, table) }).toEqual({ table, rows: await rows(single, table) });
  };

  it('keeps the latest totals per merchant and year and every decision, in two statements per batch', async () => {
    const events = [
      assessed('m-1', 2026, { general: 0, serious: 12 }, '2026-11-01T10:00:00+08:00'),
      assessed('m-2', 2026, { general: 3, serious: 0 }, '2026-11-01T10:01:00+08:00'),
      assessed('m-1', 2026, { general: 0, serious: 24 }, '2026-11-01T10:02:00+08:00'),
      assessed('m-1', 2025, { general: 0, serious: 6 }, '2026-11-01T10:03:00+08:00', 'penalty.adjusted.v1'),
      assessed('m-1', 2026, { general: 0, serious: 36 }, '2026-11-01T10:04:00+08:00'),
    ];
    const { result, statements } = await applyBothWays(handlers.penalties, events);
    expect(result).toEqual({ applied: 5, duplicates: 0, rejected: 0 });
    expect(statements).toEqual(['INSERT INTO standing_points', 'INSERT INTO standing_penalty_event']);
    expect(await rows(whole, 'standing_points')).toEqual([
      { merchant_id: 'm-1', natural_year: 2025, general: 0, serious: 6 },
      { merchant_id: 'm-1', natural_year: 2026, general: 0, serious: 36 },
      { merchant_id: 'm-2', natural_year: 2026, general: 3, serious: 0 },
    ]);
    expect(await rows(whole, 'standing_penalty_event', `WHERE merchant_id = 'm-1'`)).toHaveLength(4);
    await expectSameAsOneByOne();
  });

  it('applies an event repeated inside one batch once, and a redelivered batch not at all', async () => {
    const first = assessed('m-3', 2026, { general: 1, serious: 0 }, '2026-11-02T10:00:00+08:00');
    const second = assessed('m-3', 2026, { general: 2, serious: 0 }, '2026-11-02T10:01:00+08:00');
    // The repeat comes after a later event: applied once, it must not bring the older totals back.
    const events = [first, second, { ...first, offset: '999' }];
    expect(await inboxes.whole.apply(batch(events), handlers.penalties)).toEqual({ applied: 2, duplicates: 1, rejected: 0 });
    for (const e of events) await inboxes.single.apply(batch([e]), handlers.penalties);
    expect(await rows(whole, 'standing_points', `WHERE merchant_id = 'm-3'`)).toEqual([{ merchant_id: 'm-3', natural_year: 2026, general: 2, serious: 0 }]);
    expect(await inboxes.whole.apply(batch(events), handlers.penalties)).toEqual({ applied: 0, duplicates: 3, rejected: 0 });
    expect(await rows(whole, 'standing_penalty_event', `WHERE merchant_id = 'm-3'`)).toHaveLength(2);
    await expectSameAsOneByOne();
  });

  it('lifts measures imposed earlier in the same batch and measures known before it, first lift winning, in two statements', async () => {
    // Known before the batch: s-old with two measures, one of them lifted already.
    await applyBothWays(handlers.sanctions, [imposed('m-4', 's-old', ['STORE_SHIELDING', 'MARKETING_BAN'], '2026-11-01T10:00:00+08:00'), lifted('m-4', 's-old', ['MARKETING_BAN'], '2026-11-01T11:00:00+08:00')]);
    const events = [
      lifted('m-4', 's-old', ['STORE_SHIELDING', 'MARKETING_BAN'], '2026-11-03T09:00:00+08:00'),
      imposed('m-4', 's-new', ['STORE_SHIELDING', 'LISTING_RESTRICTION', 'PUBLIC_WARNING'], '2026-11-03T10:00:00+08:00'),
      lifted('m-4', 's-new', ['STORE_SHIELDING'], '2026-11-03T11:00:00+08:00'),
      lifted('m-4', 's-new', ['STORE_SHIELDING', 'LISTING_RESTRICTION'], '2026-11-03T12:00:00+08:00'),
      // Imposed again (a replay under another id): the measure keeps its row.
      imposed('m-4', 's-new', ['STORE_SHIELDING'], '2026-11-03T13:00:00+08:00'),
      imposed('m-5', 's-other', ['PUBLIC_WARNING'], '2026-11-03T10:00:00+08:00'),
      lifted('m-5', 's-unknown', ['PUBLIC_WARNING'], '2026-11-03T14:00:00+08:00'),
    ];
    const { result, statements } = await applyBothWays(handlers.sanctions, events);
    expect(result.applied).toBe(7);
    expect(statements).toEqual(['INSERT INTO standing_sanction', 'WITH imposed AS']);
    const liftedAt = async (sanctionId: string) =>
      Object.fromEntries(((await rows(whole, 'standing_measure', `WHERE sanction_id = '${sanctionId}'`)) as { type: string; lifted_at: Date | null }[]).map((m) => [m.type, m.lifted_at?.toISOString() ?? null]));
    expect(await liftedAt('s-old')).toEqual({ STORE_SHIELDING: '2026-11-03T01:00:00.000Z', MARKETING_BAN: '2026-11-01T03:00:00.000Z' });
    expect(await liftedAt('s-new')).toEqual({ STORE_SHIELDING: '2026-11-03T03:00:00.000Z', LISTING_RESTRICTION: '2026-11-03T04:00:00.000Z', PUBLIC_WARNING: null });
    expect(await rows(whole, 'standing_sanction', `WHERE merchant_id IN ('m-4', 'm-5')`)).toHaveLength(3);
    await expectSameAsOneByOne();
  });

  it('keeps the latest profile of each merchant with its marketplace and names, in one statement', async () => {
    const { statements } = await applyBothWays(handlers.profiles, [
      profile('m-6', 'FLAGSHIP', false, '2026-11-01T10:00:00+08:00', { marketplace: 'tmall-global', displayName: 'Old name', storeName: 'Old store' }),
      profile('m-7', 'FLAGSHIP', true, '2026-11-01T10:00:00+08:00'),
      profile('m-6', 'FRANCHISE', true, '2026-11-02T10:00:00+08:00', { marketplace: 'tmall-global', displayName: '六号贸易有限公司' }),
    ]);
    expect(statements).toEqual(['INSERT INTO standing_profile']);
    // The whole profile wins: a name the latest profile leaves out is gone.
    expect(await rows(whole, 'standing_profile', `WHERE merchant_id = 'm-6'`)).toEqual([
      expect.objectContaining({ exam_eligible: true, updated_at: new Date('2026-11-02T02:00:00Z'), marketplace: 'tmall-global', display_name: '六号贸易有限公司', store_name: null }),
    ]);
    // Without a marketplace: the deployment's default.
    expect(await rows(whole, 'standing_profile', `WHERE merchant_id = 'm-7'`)).toEqual([expect.objectContaining({ marketplace: 'tmall', display_name: null })]);
    await expectSameAsOneByOne();
  });

  it("overwrites every column of a remedy with its latest state, keeps an exam offer a later change does not repeat, and every offer, one statement per table", async () => {
    await applyBothWays(handlers.remedies, [chance('m-8', 'c-8', 'GRANTED', { violationId: 'v-a', choiceClosesAt: '2026-11-10T10:00:00+08:00' }, '2026-11-01T10:00:00+08:00')]);
    const events = [
      deposit('m-8', 500_000, '2026-11-20T10:00:00+08:00', '2026-11-03T10:00:00+08:00'),
      chance('m-8', 'c-8', 'GRANTED', null, '2026-11-03T10:01:00+08:00'),
      forgery('m-8', 'f-8', 'OPEN', '2026-11-18T10:00:00+08:00', '2026-11-03T10:02:00+08:00'),
      appeal('m-8', 'ap-8', 'PENDING', '2026-11-03T10:03:00+08:00'),
      chance('m-8', 'c-8', 'GRANTED', { violationId: 'v-b', choiceClosesAt: '2026-11-18T10:00:00+08:00' }, '2026-11-03T10:04:00+08:00'),
      // The same offer made again: closes later, first made earlier.
      chance('m-8', 'c-8', 'GRANTED', { violationId: 'v-b', choiceClosesAt: '2026-11-19T10:00:00+08:00' }, '2026-11-03T10:05:00+08:00'),
      chance('m-8', 'c-8', 'CHOSEN', null, '2026-11-03T10:06:00+08:00', 'v-b'),
      // Whole state: the deadline is gone once topped up, the remediation window once decided.
      deposit('m-8', 1_000_000, null, '2026-11-03T10:07:00+08:00'),
      forgery('m-8', 'f-8', 'SANCTIONED', null, '2026-11-03T10:08:00+08:00'),
      appeal('m-8', 'ap-8', 'REJECTED', '2026-11-03T10:09:00+08:00'),
      chance('m-9', 'c-9', 'GRANTED', null, '2026-11-03T10:10:00+08:00'),
    ];
    const { statements } = await applyBothWays(handlers.remedies, events);
    expect(statements).toEqual(['INSERT INTO standing_deposit', 'INSERT INTO standing_exam_chance', 'INSERT INTO standing_exam_offer', 'INSERT INTO standing_forgery_case', 'INSERT INTO standing_appeal']);
    expect(await rows(whole, 'standing_deposit', `WHERE merchant_id = 'm-8'`)).toEqual([expect.objectContaining({ balance_fen: '1000000', shortfall_fen: '0', top_up_due_at: null })]);
    expect(await rows(whole, 'standing_exam_chance', `WHERE chance_id = 'c-8'`)).toEqual([
      expect.objectContaining({ status: 'CHOSEN', violation_id: 'v-b', offer_violation_id: 'v-b', offer_choice_closes_at: new Date('2026-11-19T02:00:00Z') }),
    ]);
    expect(await rows(whole, 'standing_exam_offer', `WHERE chance_id = 'c-8'`)).toEqual([
      expect.objectContaining({ violation_id: 'v-a' }),
      expect.objectContaining({ violation_id: 'v-b', choice_closes_at: new Date('2026-11-19T02:00:00Z'), offered_at: new Date('2026-11-03T02:04:00Z') }),
    ]);
    expect(await rows(whole, 'standing_forgery_case')).toEqual([expect.objectContaining({ status: 'SANCTIONED', remediation_closes_at: null, sanction_ids: ['s-f'] })]);
    expect(await rows(whole, 'standing_appeal')).toEqual([expect.objectContaining({ status: 'REJECTED', rejection_reason: 'EVIDENCE_INSUFFICIENT' })]);
    // A later change without an offer keeps the one known.
    await applyBothWays(handlers.remedies, [chance('m-8', 'c-8', 'PASSED', null, '2026-11-04T10:00:00+08:00', 'v-b')]);
    expect(await rows(whole, 'standing_exam_chance', `WHERE chance_id = 'c-8'`)).toEqual([expect.objectContaining({ status: 'PASSED', offer_violation_id: 'v-b' })]);
    await expectSameAsOneByOne();
  });

  it('commits nothing of a batch the database refuses, so that the transport can apply it event by event and dead-letter only that one', async () => {
    // The rules refuse nothing here; the one way an event fails is a value PostgreSQL cannot store (year 0).
    const good = assessed('m-10', 2026, { general: 1, serious: 0 }, '2026-11-05T10:00:00+08:00');
    const refused = assessed('m-10', 2026, { general: 2, serious: 0 }, '0000-01-01T00:00:00Z');
    const after = assessed('m-11', 2026, { general: 3, serious: 0 }, '2026-11-05T10:02:00+08:00');
    await expect(inboxes.whole.apply(batch([good, refused, after]), handlers.penalties)).rejects.toThrow();
    expect(await rows(whole, 'standing_points', `WHERE merchant_id IN ('m-10', 'm-11')`)).toEqual([]);
    expect(await whole.query(`SELECT event_id FROM processed_event WHERE event_id = ANY($1)`, [[good.event.id, refused.event.id, after.event.id]])).toEqual([]);
    for (const e of [good, after]) {
      await inboxes.whole.apply(batch([e]), handlers.penalties);
      await inboxes.single.apply(batch([e]), handlers.penalties);
    }
    await expect(inboxes.whole.apply(batch([refused]), handlers.penalties)).rejects.toThrow();
    expect(await rows(whole, 'standing_points', `WHERE merchant_id IN ('m-10', 'm-11')`)).toEqual([
      { merchant_id: 'm-10', natural_year: 2026, general: 1, serious: 0 },
      { merchant_id: 'm-11', natural_year: 2026, general: 3, serious: 0 },
    ]);
  });

  it('gives the same state when two replicas apply the same and overlapping batches at once', async () => {
    const events: InboundEvent[] = [];
    for (let i = 0; i < 40; i++) {
      const merchantId = `m-r${i % 8}`;
      events.push(assessed(merchantId, 2026, { general: 0, serious: 12 * (Math.floor(i / 8) + 1) }, `2026-11-06T10:${String(i).padStart(2, '0')}:00+08:00`));
      if (i % 8 === 0) events.push(imposed(merchantId, `s-r${i}`, ['STORE_SHIELDING', 'PUBLIC_WARNING'], '2026-11-06T10:00:00+08:00'));
    }
    const penalties = events.filter((e) => e.event.type.startsWith('penalty'));
    const sanctions = events.filter((e) => e.event.type.startsWith('sanction'));
    // A rebalance hands a partition to the other replica while the first still applies its batch:
    // both apply the same batch, and overlapping slices of it, concurrently.
    const results = await Promise.all([
      inboxes.whole.apply(batch(penalties), handlers.penalties),
      inboxes.replica.apply(batch(penalties), handlers.penalties),
      inboxes.replica.apply(batch(penalties.slice(10, 30)), handlers.penalties),
      inboxes.whole.apply(batch(sanctions), handlers.sanctions),
      inboxes.replica.apply(batch(sanctions), handlers.sanctions),
    ]);
    expect(results.slice(0, 3).reduce((n, r) => n + r.applied, 0)).toBe(penalties.length);
    expect(results.slice(3).reduce((n, r) => n + r.applied, 0)).toBe(sanctions.length);
    for (const e of penalties) await inboxes.single.apply(batch([e]), handlers.penalties);
    for (const e of sanctions) await inboxes.single.apply(batch([e]), handlers.sanctions);
    expect(await rows(whole, 'standing_points', `WHERE merchant_id LIKE 'm-r%'`)).toHaveLength(8);
    expect((await rows(whole, 'standing_points', `WHERE merchant_id LIKE 'm-r%'`)).every((r: { serious: number }) => r.serious === 60)).toBe(true);
    await expectSameAsOneByOne();
  });
});
