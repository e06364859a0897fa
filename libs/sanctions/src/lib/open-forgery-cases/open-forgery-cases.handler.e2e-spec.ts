import { randomUUID } from 'node:crypto';
import { Topics } from '@penalty/contracts';
import { openForgeryCases, RuleBook } from '@penalty/domain';
import type { Tx } from '@penalty/messaging';
import { aMerchantId, aProfileEvent, aViolationEvent, HandlerTestbed, type TestReplica } from '@penalty/testing';
import { sanctionHandlers, SANCTION_SCHEMA_MIGRATIONS, TestClock } from '../../testing/sanction-test-bed';
import { ForgeryCaseRepository, type ForgeryCaseRow } from '../forgery-case.repository';

const DAY = 86_400_000;

/** Qualification forgery (rulebook section 4) from violations.detected.v1, a batch at a time, on real PostgreSQL and Kafka. */
describe('open forgery cases, a batch at a time (real PostgreSQL and Kafka)', () => {
  const clock = new TestClock(new Date('2026-11-23T10:00:00+08:00'));
  const testbed = new HandlerTestbed({
    schema: 'sanction',
    migrations: SANCTION_SCHEMA_MIGRATIONS,
    topics: [Topics.ViolationsDetectedV1, Topics.MerchantsProfilesV1, Topics.SanctionsDecidedV1, Topics.RemediesUpdatedV1],
    clock,
  });
  let replica: TestReplica;
  let handlers: ReturnType<typeof sanctionHandlers>;

  beforeAll(async () => {
    await testbed.start(1);
    replica = testbed.replicas[0];
    handlers = sanctionHandlers(replica, clock);
  }, 120_000);
  afterAll(() => testbed.stop());

  const ofMerchant = (topic: string, type: string, merchantId: string, count: number) =>
    testbed.recorder.waitFor((m) => m.topic === testbed.namespace + topic && m.json?.type === type && m.key === merchantId, count, 15_000).then((ms) => ms.map((m) => m.json!.data));

  it("numbers a merchant's cases in order within a batch, ignores other violations and repeats, and clears out the third", async () => {
    const merchantId = aMerchantId('forger');
    await replica.inbox.apply(testbed.batch(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId })]), (b) => handlers.profiles.handle(b));
    const [first, second, third] = [1, 2, 3].map(() => aViolationEvent({ merchantId, code: 'QUALIFICATION_FORGERY', severity: 'MINOR' }));
    const repeat = { ...first, id: `${first.id}-again` };
    const batch = [first, aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS' }), second, repeat, third];
    expect(await replica.inbox.apply(testbed.batch(Topics.ViolationsDetectedV1, batch), (b) => handlers.forgery.handle(b))).toEqual({ applied: 5, duplicates: 0, rejected: 0 });

    const cases = await ofMerchant(Topics.RemediesUpdatedV1, 'forgery-case.updated.v1', merchantId, 3);
    expect(cases.map((c) => [c.violationId, c.caseNumber, c.status])).toEqual([
      [first.data.violationId, 1, 'OPEN'],
      [second.data.violationId, 2, 'OPEN'],
      [third.data.violationId, 3, 'CLEARED_OUT'],
    ]);
    expect(Date.parse(cases[0].remediationClosesAt) - Date.parse(cases[0].openedAt)).toBe(15 * DAY);
    // The clear-out terminates and takes the whole deposit (50,000 CNY).
    const [sanction] = await ofMerchant(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId, 1);
    expect(sanction).toMatchObject({ cause: { kind: 'FORGERY', violationIds: [third.data.violationId] }, fine: { amountFen: 5_000_000 } });
    expect(cases[2].sanctionIds).toEqual([sanction.sanctionId]);
    const deposit = await ofMerchant(Topics.RemediesUpdatedV1, 'deposit.updated.v1', merchantId, 2);
    expect(deposit[1]).toMatchObject({ balanceFen: 0, topUpDueAt: null, change: { kind: 'FORFEITURE', amountFen: -5_000_000, reference: sanction.sanctionId } });
    expect(await testbed.rows(`SELECT task_key FROM scheduled_task WHERE kind = 'FORGERY_REMEDIATION_DUE' AND merchant_id = $1 ORDER BY due_at, task_key`, [merchantId])).toEqual(
      [cases[0].caseId, cases[1].caseId].sort().map((task_key) => ({ task_key })),
    );

    // Delivered again under new event ids: no case opens twice.
    const again = [first, second].map((v) => ({ ...v, id: `${v.id}-later` }));
    await replica.inbox.apply(testbed.batch(Topics.ViolationsDetectedV1, again), (b) => handlers.forgery.handle(b));
    expect(await testbed.rows('SELECT count(*)::int AS n FROM forgery_case WHERE merchant_id = $1', [merchantId])).toEqual([{ n: 3 }]);
  });

  it('never gives two cases of a merchant the same number, even when two writers counted the same cases at once', async () => {
    const merchantId = aMerchantId('forger-race');
    const cases = new ForgeryCaseRepository();
    const rules = new RuleBook();
    const now = clock.now();
    const [a, b] = [1, 2].map(() => aViolationEvent({ merchantId, code: 'QUALIFICATION_FORGERY', severity: 'MINOR' }));
    // Two writers outside the merchant's outbox lane (e.g. one whose lane was freed while it hung): each
    // reads the merchant's cases and numbers its own after them, as the handler does.
    const writers = [a, b].map(() => replica.dataSource.createQueryRunner());
    try {
      for (const w of writers) await w.startTransaction();
      const txs = writers.map((w) => ({ query: (sql: string, params?: unknown[]) => w.query(sql, params) }) as unknown as Tx);
      const rows = await Promise.all([a, b].map(async (v, i) => {
        const known = await cases.known(txs[i], [merchantId], [v.data.violationId]);
        const [opening] = openForgeryCases([{ merchantId, violationId: v.data.violationId, severity: 'MINOR' as const, occurredAt: new Date(v.data.occurredAt) }], known, { openedAt: now, ruleSetAt: (at) => rules.at(at) });
        if (opening.kind !== 'OPENED') throw new Error('expected a case to open');
        const row: ForgeryCaseRow = {
          case_id: randomUUID(), merchant_id: merchantId, violation_id: v.data.violationId, case_number: opening.caseNumber, severity: 'MINOR', rule_version: opening.ruleSet.version, marketplace: null,
          status: 'OPEN', opened_at: now, remediation_closes_at: now, documents: [], sanction_ids: [], claimed_by: null, claimed_at: null,
        };
        return row;
      }));
      expect(rows.map((r) => r.case_number)).toEqual([1, 1]);
      await cases.open(txs[0], [rows[0]], now);
      const second = cases.open(txs[1], [rows[1]], now);
      await writers[0].commitTransaction();
      // The second writer's case 1 conflicts with the first's: retriable, and nothing of it is written.
      await expect(second).rejects.toMatchObject({ code: 'FORGERY.CASE_CONFLICT', retriable: true });
      await writers[1].rollbackTransaction();
    } finally {
      for (const w of writers) {
        if (w.isTransactionActive) await w.rollbackTransaction();
        await w.release();
      }
    }
    expect(await testbed.rows('SELECT violation_id, case_number FROM forgery_case WHERE merchant_id = $1 ORDER BY case_number', [merchantId])).toEqual([{ violation_id: a.data.violationId, case_number: 1 }]);

    // Applied again (as the transport retries it), the second violation opens case 2.
    await replica.inbox.apply(testbed.batch(Topics.ViolationsDetectedV1, [b]), (batch) => handlers.forgery.handle(batch));
    expect(await testbed.rows('SELECT violation_id, case_number FROM forgery_case WHERE merchant_id = $1 ORDER BY case_number', [merchantId])).toEqual([
      { violation_id: a.data.violationId, case_number: 1 },
      { violation_id: b.data.violationId, case_number: 2 },
    ]);
  });
});
