import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, HandlerTestbed, type TestReplica } from '@penalty/testing';
import { sanctionHandlers, SANCTION_SCHEMA_MIGRATIONS, TestClock } from '../../testing/sanction-test-bed';

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
});
