import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, HandlerTestbed, type TestReplica } from '@penalty/testing';
import { aPenaltyEvent, sanctionHandlers, SANCTION_SCHEMA_MIGRATIONS, TestClock } from '../../testing/sanction-test-bed';

const CNY = 100;

/** Merchant profiles and the deposit they require (rulebook section 7), a batch at a time, on real PostgreSQL and Kafka. */
describe('record merchant profiles, a batch at a time (real PostgreSQL and Kafka)', () => {
  const clock = new TestClock(new Date('2026-11-23T10:00:00+08:00'));
  const testbed = new HandlerTestbed({
    schema: 'sanction',
    migrations: SANCTION_SCHEMA_MIGRATIONS,
    topics: [Topics.PenaltiesAssessedV1, Topics.MerchantsProfilesV1, Topics.SanctionsDecidedV1, Topics.RemediesUpdatedV1],
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

  const depositEvents = (merchantId: string, count: number) =>
    testbed.recorder.waitFor((m) => m.topic === testbed.namespace + Topics.RemediesUpdatedV1 && m.json?.type === 'deposit.updated.v1' && m.key === merchantId, count, 15_000);
  const account = async (merchantId: string) =>
    (await testbed.rows('SELECT store_type, categories, required_fen::text, initial_fen::text, fines_charged_fen::text, top_up_due_at FROM merchant_account WHERE merchant_id = $1', [merchantId]))[0];

  it('keeps every fine of a merchant fined before its first profile: 90,000 CNY after nodes 12, 24 and 36, and the profile then shows the shortfall', async () => {
    const merchantId = aMerchantId('early');
    const penalties = [1, 2, 3].map((i) => aPenaltyEvent({ merchantId, points: 12, total: 12 * i }));
    // One node per batch (as the assessments arrive one by one), then the first profile.
    for (const p of penalties) await replica.inbox.apply(testbed.batch(Topics.PenaltiesAssessedV1, [p]), (b) => handlers.ladder.handle(b));
    expect(await account(merchantId)).toMatchObject({ required_fen: null, initial_fen: null, fines_charged_fen: String(90_000 * CNY), top_up_due_at: null });
    // A drug store: 300,000 CNY.
    await replica.inbox.apply(testbed.batch(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, categories: ['OTC_DRUGS_MEDICAL_DEVICES'] })]), (b) => handlers.profiles.handle(b));

    const changes = (await depositEvents(merchantId, 4)).map((m) => m.json!.data);
    expect(changes.map((d) => [d.change.kind, d.change.amountFen, d.requiredFen, d.balanceFen, d.shortfallFen])).toEqual([
      ['FINE_CHARGED', -2_000_000, null, -2_000_000, 0],
      ['FINE_CHARGED', -3_000_000, null, -5_000_000, 0],
      ['FINE_CHARGED', -4_000_000, null, -9_000_000, 0],
      ['REQUIREMENT', 0, 30_000_000, 21_000_000, 9_000_000],
    ]);
    // The requirement known at last opens the top-up window for what the fines took.
    expect(changes[3].topUpDueAt).not.toBeNull();
    expect(await account(merchantId)).toMatchObject({ required_fen: '30000000', initial_fen: '30000000', store_type: 'FLAGSHIP', categories: ['OTC_DRUGS_MEDICAL_DEVICES'] });
    expect(await handlers.payments.position(merchantId)).toMatchObject({ requiredFen: 30_000_000, balanceFen: 21_000_000, shortfallFen: 9_000_000 });
  });

  it("follows one merchant's profiles of a batch in order: the first is what was paid, a later one changes what is required", async () => {
    const merchantId = aMerchantId('twice');
    const batch = [aProfileEvent({ merchantId, trademarkStatus: 'R' }), aProfileEvent({ merchantId, trademarkStatus: 'R' }), aProfileEvent({ merchantId, trademarkStatus: 'TM' }), aProfileEvent({ merchantId, trademarkStatus: 'R' })];
    expect(await replica.inbox.apply(testbed.batch(Topics.MerchantsProfilesV1, batch), (b) => handlers.profiles.handle(b))).toEqual({ applied: 4, duplicates: 0, rejected: 0 });
    // The second profile requires what the first did: nothing to tell.
    const changes = (await depositEvents(merchantId, 3)).map((m) => m.json!.data);
    expect(changes.map((d) => [d.requiredFen, d.balanceFen, d.shortfallFen, d.topUpDueAt === null])).toEqual([
      [5_000_000, 5_000_000, 0, true],
      [10_000_000, 5_000_000, 5_000_000, false],
      [5_000_000, 5_000_000, 0, true],
    ]);
    expect(await account(merchantId)).toMatchObject({ required_fen: '5000000', initial_fen: '5000000', top_up_due_at: null });
    // The window opened and closed in the same batch: no task is left to close it.
    expect(await testbed.rows(`SELECT task_key FROM scheduled_task WHERE merchant_id = $1 AND cancelled_at IS NULL`, [merchantId])).toEqual([]);
  });
});
