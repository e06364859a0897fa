import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, HandlerTestbed, type TestReplica } from '@penalty/testing';
import { aPenaltyEvent, sanctionHandlers, SANCTION_SCHEMA_MIGRATIONS, TestClock } from '../../testing/sanction-test-bed';

const DAY = 86_400_000;
const now = new Date('2026-11-23T10:00:00+08:00');

/** Deposit payments (rulebook section 7) in exact fen, with extreme values, on real PostgreSQL and Kafka. */
describe('record deposit payments (real PostgreSQL and Kafka)', () => {
  const clock = new TestClock(now);
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
  afterEach(() => clock.set(now));

  const withProfile = (merchantId: string) => replica.inbox.apply(testbed.batch(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId })]), (b) => handlers.profiles.handle(b));
  const pay = (merchantId: string, paymentId: string, amountFen: number, h = handlers) => h.payments.pay(merchantId, { paymentId, amountFen }, 'admin-1');
  const columns = async (merchantId: string) =>
    (await testbed.rows<{ payments: string }>('SELECT payments_fen::text AS payments FROM merchant_account WHERE merchant_id = $1', [merchantId]))[0];

  it('records a payment once per id, and refuses the id reused with other details', async () => {
    const merchantId = aMerchantId('pay');
    await withProfile(merchantId);
    expect(await pay(merchantId, `p-${merchantId}`, 1_000)).toEqual({ recorded: true, deposit: { merchantId, requiredFen: 5_000_000, balanceFen: 5_001_000, shortfallFen: 0, topUpDueAt: null } });
    expect(await pay(merchantId, `p-${merchantId}`, 1_000)).toMatchObject({ recorded: false, deposit: { balanceFen: 5_001_000 } });
    await expect(pay(merchantId, `p-${merchantId}`, 2_000)).rejects.toMatchObject({ status: 409, code: 'DEPOSIT.PAYMENT_ID_REUSED' });
    await expect(pay(aMerchantId('else'), `p-${merchantId}`, 1_000)).rejects.toMatchObject({ status: 409, code: 'DEPOSIT.PAYMENT_ID_REUSED' });
    expect(await testbed.rows(`SELECT count(*)::int AS n FROM audit_entry WHERE merchant_id = $1 AND action = 'DEPOSIT.PAYMENT'`, [merchantId])).toEqual([{ n: 1 }]);
  });

  it("reads and pays a deposit only for operators whose roles are for the merchant's marketplace (from its latest profile)", async () => {
    const merchantId = aMerchantId('pay-scope');
    await replica.inbox.apply(testbed.batch(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, marketplace: 'tmall-global' })]), (b) => handlers.profiles.handle(b));
    const forbidden = { status: 403, code: 'AUTH.MARKETPLACE_FORBIDDEN' };
    await expect(handlers.payments.pay(merchantId, { paymentId: `p-${merchantId}`, amountFen: 1_000 }, 'admin-tmall', ['tmall'])).rejects.toMatchObject(forbidden);
    await expect(handlers.payments.position(merchantId, ['tmall'])).rejects.toMatchObject(forbidden);
    expect(await testbed.rows('SELECT count(*)::int AS n FROM deposit_payment WHERE merchant_id = $1', [merchantId])).toEqual([{ n: 0 }]);
    expect(await handlers.payments.pay(merchantId, { paymentId: `p-${merchantId}`, amountFen: 1_000 }, 'admin-global', ['tmall-global'])).toMatchObject({ recorded: true });
    expect(await handlers.payments.position(merchantId, ['tmall', 'tmall-global'])).toMatchObject({ balanceFen: 5_001_000 });
    // A profile without a marketplace: the deployment's default one (tmall) again.
    await withProfile(merchantId);
    await expect(handlers.payments.position(merchantId, ['tmall-global'])).rejects.toMatchObject(forbidden);
    expect(await handlers.payments.position(merchantId, ['tmall'])).toMatchObject({ balanceFen: 5_001_000 });
    expect(await handlers.payments.position(merchantId)).toMatchObject({ balanceFen: 5_001_000 });
  });

  it('refuses a payment above the configured maximum with a 400 naming amountFen', async () => {
    const merchantId = aMerchantId('max');
    const small = sanctionHandlers(replica, clock, { paymentMaxFen: 10_000 });
    await expect(pay(merchantId, `p-${merchantId}`, 10_001, small)).rejects.toMatchObject({ status: 400, code: 'REQUEST.INVALID', errors: [expect.objectContaining({ field: 'amountFen' })] });
    expect(await pay(merchantId, `p-${merchantId}`, 10_000, small)).toMatchObject({ recorded: true });
  });

  it("takes a merchant's 1,025th maximal payment without overflow: every sum exact, in bigint", async () => {
    const merchantId = aMerchantId('many');
    await withProfile(merchantId);
    const max = 1_000_000_000;
    for (let i = 1; i <= 1_025; i++) await pay(merchantId, `p-${merchantId}-${i}`, max);
    // 1,025 × 10,000,000 CNY: past 2^40 fen, exact on both sides.
    expect(await columns(merchantId)).toEqual({ payments: '1025000000000' });
    expect(await handlers.payments.position(merchantId)).toMatchObject({ balanceFen: 1_025_000_000_000 + 5_000_000 });
    expect(await testbed.rows('SELECT sum(amount_fen)::text AS total FROM deposit_payment WHERE merchant_id = $1', [merchantId])).toEqual([{ total: '1025000000000' }]);
  }, 120_000);

  it('refuses, with a 409 and no change, a payment that would take the balance past 2^53 - 1 fen', async () => {
    const merchantId = aMerchantId('huge');
    const unbounded = sanctionHandlers(replica, clock, { paymentMaxFen: Number.MAX_SAFE_INTEGER });
    expect(await pay(merchantId, `p-${merchantId}-1`, Number.MAX_SAFE_INTEGER, unbounded)).toMatchObject({ recorded: true, deposit: { balanceFen: Number.MAX_SAFE_INTEGER } });
    await expect(pay(merchantId, `p-${merchantId}-2`, 1, unbounded)).rejects.toMatchObject({ code: 'DEPOSIT.LIMIT_EXCEEDED' });
    expect(await columns(merchantId)).toEqual({ payments: String(Number.MAX_SAFE_INTEGER) });
    expect(await testbed.rows('SELECT count(*)::int AS n FROM deposit_payment WHERE merchant_id = $1', [merchantId])).toEqual([{ n: 1 }]);
  });

  it('supervises the store when the top-up window closes unpaid, and a payment that brings the balance back lifts it', async () => {
    const merchantId = aMerchantId('short');
    await withProfile(merchantId);
    await replica.inbox.apply(testbed.batch(Topics.PenaltiesAssessedV1, [aPenaltyEvent({ merchantId, points: 12, total: 12 })]), (b) => handlers.ladder.handle(b));
    const position = await handlers.payments.position(merchantId);
    expect(position).toMatchObject({ balanceFen: 3_000_000, shortfallFen: 2_000_000 });
    const dueAt = new Date(position.topUpDueAt!);
    expect(dueAt.getTime() - now.getTime()).toBe(15 * DAY);

    const [task] = await testbed.rows<{ id: string; task_key: string }>(`SELECT id, task_key FROM scheduled_task WHERE merchant_id = $1 AND kind = 'DEPOSIT_TOP_UP_DUE'`, [merchantId]);
    const later = new Date(dueAt.getTime() + 1_000);
    clock.set(later);
    const due = { id: task.id, kind: 'DEPOSIT_TOP_UP_DUE', key: task.task_key, merchantId, dueAt, payload: {}, attempts: 0 };
    await replica.runner.run((tx) => handlers.topUps.onTopUpDue(tx.manager, due, later));
    // Run again (a redelivered task): supervised once.
    await replica.runner.run((tx) => handlers.topUps.onTopUpDue(tx.manager, due, later));
    const of = (type: string) => testbed.recorder.waitFor((m) => m.key === merchantId && m.json?.type === type, 1, 15_000);
    const supervision = (await testbed.recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'sanction.imposed.v1' && m.json.data.cause.kind === 'DEPOSIT_SHORTFALL', 1, 15_000))[0].json!.data;
    expect(supervision.measures).toEqual([expect.objectContaining({ type: 'STORE_SUPERVISION', endsAt: null })]);
    expect((await testbed.recorder.waitFor((m) => m.key === merchantId && m.json?.data?.change?.kind === 'TOP_UP_OVERDUE', 1, 15_000)).length).toBe(1);

    expect(await pay(merchantId, `p-${merchantId}`, 2_000_000)).toMatchObject({ recorded: true, deposit: { balanceFen: 5_000_000, shortfallFen: 0, topUpDueAt: null } });
    const [lift] = await of('sanction.lifted.v1');
    expect(lift.json!.data).toMatchObject({ sanctionId: supervision.sanctionId, measureTypes: ['STORE_SUPERVISION'], reason: 'DEPOSIT_TOPPED_UP' });
    await new Promise((r) => setTimeout(r, 500));
    expect(testbed.recorder.matching((m) => m.key === merchantId && m.json?.type === 'sanction.imposed.v1' && m.json.data.cause.kind === 'DEPOSIT_SHORTFALL')).toHaveLength(1);
    expect(await testbed.rows(`SELECT count(*)::int AS n FROM measure WHERE merchant_id = $1 AND type = 'STORE_SUPERVISION' AND lifted_at IS NULL`, [merchantId])).toEqual([{ n: 0 }]);
  });

  it("closes only the paying merchant's top-up window, not that of a merchant whose id starts with its id and a '/'", async () => {
    const merchantId = aMerchantId('slash');
    const other = `${merchantId}/branch`;
    for (const m of [merchantId, other]) {
      await withProfile(m);
      await replica.inbox.apply(testbed.batch(Topics.PenaltiesAssessedV1, [aPenaltyEvent({ merchantId: m, points: 12, total: 12 })]), (b) => handlers.ladder.handle(b));
    }
    const pending = (m: string) => testbed.rows(`SELECT count(*)::int AS n FROM scheduled_task WHERE merchant_id = $1 AND kind = 'DEPOSIT_TOP_UP_DUE' AND cancelled_at IS NULL AND done_at IS NULL`, [m]);
    expect([await pending(merchantId), await pending(other)]).toEqual([[{ n: 1 }], [{ n: 1 }]]);

    expect(await pay(merchantId, `p-${merchantId}`, 2_000_000)).toMatchObject({ recorded: true, deposit: { shortfallFen: 0, topUpDueAt: null } });
    expect([await pending(merchantId), await pending(other)]).toEqual([[{ n: 0 }], [{ n: 1 }]]);
    expect(await handlers.payments.position(other)).toMatchObject({ shortfallFen: 2_000_000 });
  });
});

