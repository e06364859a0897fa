import { buildCloudEvent, EventTypes, Topics } from '@penalty/contracts';
import { draftVersion, approveVersion, RULE_SETS, RuleBook, ruleDataOf } from '@penalty/domain';
import { ALWAYS_CURRENT, RulebookFeed } from '@penalty/messaging';
import { ReadinessRegistry } from '@penalty/runtime';
import { aMerchantId, aProfileEvent, aViolationEvent, HandlerTestbed, type TestReplica } from '@penalty/testing';
import { ExplainSanctionHandler } from '../explain-sanctions/explain-sanction.handler';
import { aPenaltyEvent, sanctionHandlers, SANCTION_SCHEMA_MIGRATIONS, StatementCounter, TestClock } from '../../testing/sanction-test-bed';

const CNY = 100;
const now = new Date('2026-11-23T10:00:00+08:00');

/**
 * The ladder consumer's batch handler on real PostgreSQL and Kafka (rulebook sections 3, 5 and 7):
 * a merchant's assessments of one batch followed in order over its nodes and deposit, duplicates,
 * a rejection in the middle of a batch, points restored below an imposed node, two replicas at once.
 */
describe('impose ladder sanctions, a batch at a time (real PostgreSQL and Kafka)', () => {
  const clock = new TestClock(now);
  const testbed = new HandlerTestbed({
    schema: 'sanction',
    migrations: SANCTION_SCHEMA_MIGRATIONS,
    topics: [Topics.PenaltiesAssessedV1, Topics.MerchantsProfilesV1, Topics.SanctionsDecidedV1, Topics.RemediesUpdatedV1, Topics.RulesVersionsV1],
    clock,
  });
  let replicas: { replica: TestReplica; handlers: ReturnType<typeof sanctionHandlers> }[];

  beforeAll(async () => {
    await testbed.start(2);
    replicas = testbed.replicas.map((replica) => ({ replica, handlers: sanctionHandlers(replica, clock) }));
  }, 120_000);
  afterAll(() => testbed.stop());

  const applyPenalties = (events: object[], on = 0, partition = 0) => {
    const { replica, handlers } = replicas[on];
    return replica.inbox.apply(testbed.batch(Topics.PenaltiesAssessedV1, events, partition), (b) => handlers.ladder.handle(b));
  };
  const applyProfiles = (events: object[], on = 0, partition = 0) => {
    const { replica, handlers } = replicas[on];
    return replica.inbox.apply(testbed.batch(Topics.MerchantsProfilesV1, events, partition), (b) => handlers.profiles.handle(b));
  };
  const imposed = (merchantId: string) => testbed.published(Topics.SanctionsDecidedV1, 'sanction.imposed.v1').filter((e) => e.subject === merchantId);
  const lifted = (merchantId: string) => testbed.published(Topics.SanctionsDecidedV1, 'sanction.lifted.v1').filter((e) => e.subject === merchantId);
  const deposits = (merchantId: string) => testbed.published(Topics.RemediesUpdatedV1, 'deposit.updated.v1').filter((e) => e.subject === merchantId);
  const waitFor = (topic: string, type: string, merchantId: string, count: number) =>
    testbed.recorder.waitFor((m) => m.topic === testbed.namespace + topic && m.json?.type === type && m.key === merchantId, count, 15_000);
  const account = async (merchantId: string) =>
    (await testbed.rows<{ fines: string; refunds: string; top_up_due_at: Date | null }>('SELECT fines_charged_fen::text AS fines, refunds_fen::text AS refunds, top_up_due_at FROM merchant_account WHERE merchant_id = $1', [merchantId]))[0];
  const nodes = async (merchantId: string) =>
    (await testbed.rows<{ node: number; status: string }>('SELECT node, status FROM ladder_node WHERE merchant_id = $1 ORDER BY node', [merchantId])).map((n) => `${n.node}:${n.status}`);

  it("follows one merchant's assessments of a batch in order across nodes 12, 24 and 36: fines charged and deposit events in order", async () => {
    const merchantId = aMerchantId('batch');
    const other = aMerchantId('other');
    // A drug store: 300,000 CNY deposit.
    await applyProfiles([aProfileEvent({ merchantId, categories: ['OTC_DRUGS_MEDICAL_DEVICES'] }), aProfileEvent({ merchantId: other })]);
    const violations = [1, 2, 3].map((i) => aPenaltyEvent({ merchantId, points: 12, total: 12 * i }));
    const batch = [violations[0], aPenaltyEvent({ merchantId: other, points: 6, total: 6 }), violations[1], aPenaltyEvent({ merchantId: other, track: 'GENERAL', points: 3, total: 3 }), violations[2]];
    const { result, statements } = await StatementCounter.measure(() => applyPenalties(batch));
    expect(result).toEqual({ applied: 5, duplicates: 0, rejected: 0 });

    const sanctions = (await waitFor(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId, 3)).map((m) => m.json!.data);
    expect(sanctions.map((s) => [s.cause.node, s.fine.amountFen])).toEqual([[12, 20_000 * CNY], [24, 30_000 * CNY], [36, 40_000 * CNY]]);
    // Each node names the violations whose points reached it, in the order they came.
    expect(sanctions.map((s) => s.cause.violationIds)).toEqual([1, 2, 3].map((n) => violations.slice(0, n).map((v) => v.data.violationId)));
    const changes = (await waitFor(Topics.RemediesUpdatedV1, 'deposit.updated.v1', merchantId, 4)).map((m) => m.json!.data);
    expect(changes.map((d) => [d.change.kind, d.change.amountFen, d.balanceFen, d.shortfallFen])).toEqual([
      ['REQUIREMENT', 0, 30_000_000, 0],
      ['FINE_CHARGED', -2_000_000, 28_000_000, 2_000_000],
      ['FINE_CHARGED', -3_000_000, 25_000_000, 5_000_000],
      ['FINE_CHARGED', -4_000_000, 21_000_000, 9_000_000],
    ]);
    expect(changes.slice(1).map((d) => d.change.reference)).toEqual(sanctions.map((s) => s.sanctionId));
    // The first fine opened the top-up window; the later ones keep it.
    expect(new Set(changes.slice(1).map((d) => d.topUpDueAt)).size).toBe(1);
    expect(await account(merchantId)).toMatchObject({ fines: '9000000', refunds: '0' });
    expect(await nodes(merchantId)).toEqual(['12:IMPOSED', '24:IMPOSED', '36:IMPOSED']);
    expect(await testbed.rows(`SELECT count(*)::int AS n FROM scheduled_task WHERE merchant_id = $1 AND kind = 'DEPOSIT_TOP_UP_DUE'`, [merchantId])).toEqual([{ n: 1 }]);
    expect(imposed(other)).toEqual([]);
    // A handful of statements for the whole batch, however many sanctions it imposes.
    expect(statements.length).toBeLessThanOrEqual(15);
  });

  it('applies an event repeated in a batch once, and a violation assessed again under a new event id without a second node', async () => {
    const merchantId = aMerchantId('dup');
    const first = aPenaltyEvent({ merchantId, points: 12, total: 12 });
    const again = { ...first, id: `${first.id}-again` };
    expect(await applyPenalties([first, first, again])).toEqual({ applied: 2, duplicates: 1, rejected: 0 });
    expect(await applyPenalties([first])).toEqual({ applied: 0, duplicates: 1, rejected: 0 });
    await waitFor(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId, 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(imposed(merchantId)).toHaveLength(1);
    expect(await testbed.rows('SELECT count(*)::int AS n FROM assessment WHERE merchant_id = $1', [merchantId])).toEqual([{ n: 1 }]);
    // Fined before any profile: the fine is on the ledger (the account was created for it).
    expect(await account(merchantId)).toMatchObject({ fines: '2000000' });
  });

  it('dead-letters only the event whose fine the ledger cannot hold; the rest of the batch applies', async () => {
    const full = aMerchantId('full');
    const fine = aMerchantId('fine');
    await applyProfiles([aProfileEvent({ merchantId: full }), aProfileEvent({ merchantId: fine })]);
    // A ledger with fines charged up to 2^53 - 1 fen: one more fine would not be exact.
    await testbed.rows(`UPDATE merchant_account SET fines_charged_fen = ${Number.MAX_SAFE_INTEGER} - 1000 WHERE merchant_id = $1`, [full]);
    const refused = aPenaltyEvent({ merchantId: full, points: 12, total: 12 });
    const result = await applyPenalties([aPenaltyEvent({ merchantId: fine, points: 12, total: 12 }), refused, aPenaltyEvent({ merchantId: fine, points: 12, total: 24 })]);
    expect(result).toEqual({ applied: 2, duplicates: 0, rejected: 1 });
    const [dead] = await testbed.recorder.waitFor((m) => m.topic === testbed.namespace + `${Topics.PenaltiesAssessedV1}.dlq`, 1, 15_000);
    expect(dead.headers).toMatchObject({ 'x-dlq-reason': 'REJECTED', 'x-dlq-code': 'DEPOSIT.LIMIT_EXCEEDED' });
    expect(JSON.parse(dead.value).id).toBe(refused.id);
    expect((await waitFor(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', fine, 2)).map((m) => m.json!.data.cause.node)).toEqual([12, 24]);
    // Nothing of the refused event stays: no assessment, no node, no sanction.
    expect(await testbed.rows('SELECT count(*)::int AS n FROM assessment WHERE merchant_id = $1', [full])).toEqual([{ n: 0 }]);
    expect(await nodes(full)).toEqual([]);
    expect(imposed(full)).toEqual([]);
  });

  it('revokes a node when points restored within a batch fall below it, and imposes it again when the total reaches it again', async () => {
    const merchantId = aMerchantId('revoke');
    await applyProfiles([aProfileEvent({ merchantId })]);
    const [a, b] = [aPenaltyEvent({ merchantId, points: 12, total: 12 }), aPenaltyEvent({ merchantId, points: 12, total: 24 })];
    await applyPenalties([a, b]);
    const [, node24] = (await waitFor(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId, 2)).map((m) => m.json!.data);
    expect(node24.cause.node).toBe(24);

    // Appeal accepted on b (total 12: node 24 revoked), a new violation c (24 again), then c appealed too (12).
    const c = aPenaltyEvent({ merchantId, points: 12, total: 24 });
    const batch = [
      aPenaltyEvent({ merchantId, violationId: b.data.violationId, points: 0, total: 12, adjusted: true }),
      c,
      aPenaltyEvent({ merchantId, violationId: c.data.violationId, points: 0, total: 12, adjusted: true }),
    ];
    expect(await applyPenalties(batch)).toEqual({ applied: 3, duplicates: 0, rejected: 0 });
    const [again] = (await waitFor(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId, 3)).map((m) => m.json!.data).slice(2);
    expect(again).toMatchObject({ cause: { node: 24, violationIds: [a.data.violationId, c.data.violationId] } });
    const lifts = (await waitFor(Topics.SanctionsDecidedV1, 'sanction.lifted.v1', merchantId, 2)).map((m) => m.json!.data);
    expect(lifts.map((l) => [l.sanctionId, l.reason])).toEqual([[node24.sanctionId, 'POINTS_RESTORED'], [again.sanctionId, 'POINTS_RESTORED']]);
    expect([...lifts[0].measureTypes].sort()).toEqual(node24.measures.map((m: { type: string }) => m.type).sort());
    // 50,000 paid; 20,000 and 30,000 charged; 30,000 back; 30,000 charged and back again.
    const changes = (await waitFor(Topics.RemediesUpdatedV1, 'deposit.updated.v1', merchantId, 6)).map((m) => m.json!.data).slice(3);
    expect(changes.map((d) => [d.change.kind, d.change.amountFen, d.balanceFen])).toEqual([
      ['FINE_REFUNDED', 3_000_000, 3_000_000],
      ['FINE_CHARGED', -3_000_000, 0],
      ['FINE_REFUNDED', 3_000_000, 3_000_000],
    ]);
    expect(await nodes(merchantId)).toEqual(['12:IMPOSED']);
    expect(await testbed.rows(`SELECT count(*)::int AS n FROM sanction WHERE merchant_id = $1 AND revoked_at IS NOT NULL AND revoke_reason = 'POINTS_RESTORED' AND fine_refunded_fen = fine_fen`, [merchantId])).toEqual([{ n: 2 }]);
    expect(await testbed.rows(`SELECT count(*)::int AS n FROM measure m JOIN sanction s USING (sanction_id) WHERE s.revoked_at IS NOT NULL AND m.merchant_id = $1 AND m.lifted_at IS NULL`, [merchantId])).toEqual([{ n: 0 }]);
    expect(lifted(merchantId)).toHaveLength(2);
  });

  it("lets an admin lift a sanction's measures only when their roles are for the sanction's marketplace", async () => {
    const merchantId = aMerchantId('scoped-lift');
    await applyProfiles([aProfileEvent({ merchantId })]);
    await applyPenalties([aPenaltyEvent({ merchantId, points: 12, total: 12 })]);
    const [sanction] = (await waitFor(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId, 1)).map((m) => m.json!.data);
    const { lifts } = replicas[0].handlers;
    // Decided for the default marketplace (tmall): an admin of tmall-global only is refused, and nothing is lifted.
    await expect(lifts.lift(sanction.sanctionId, { reason: 'wrong marketplace' }, 'gina', ['tmall-global'])).rejects.toMatchObject({ status: 403, code: 'AUTH.MARKETPLACE_FORBIDDEN' });
    expect(await testbed.rows(`SELECT count(*)::int AS n FROM measure WHERE sanction_id = $1 AND lifted_at IS NOT NULL`, [sanction.sanctionId])).toEqual([{ n: 0 }]);
    const done = await lifts.lift(sanction.sanctionId, { reason: 'decided in error' }, 'tina', ['tmall']);
    expect([...done.measureTypes].sort()).toEqual(sanction.measures.map((m: { type: string }) => m.type).filter((t: string) => t !== 'FINE').sort());
  });

  it('explains every sanction it imposed from what is stored, reproducibly: ladder nodes (skipped ones too) and a forgery clear-out', async () => {
    const explain = (id: string) => new ExplainSanctionHandler(testbed.dataSource, new RuleBook(), ALWAYS_CURRENT).explain(id);
    const merchantId = aMerchantId('explain');
    await applyProfiles([aProfileEvent({ merchantId })]);
    const first = aPenaltyEvent({ merchantId, points: 12, total: 12 });
    // The second assessment jumps from 12 to 36: node 36 imposed, 24 skipped.
    const second = aPenaltyEvent({ merchantId, points: 24, total: 36 });
    await applyPenalties([first]);
    await applyPenalties([second]);
    const [twelve, thirtySix] = (await waitFor(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId, 2)).map((m) => m.json!.data);
    const a = await explain(twelve.sanctionId);
    expect(a).toMatchObject({
      kind: 'SANCTION', marketplace: 'tmall', ruleVersion: '2022-06-27', reproduced: true,
      inputs: { cause: 'LADDER_NODE', track: 'SERIOUS', node: 12, skippedNodes: [], counted: [{ violationId: first.data.violationId, points: 12 }] },
    });
    expect(a.rules.map((r) => r.rule)).toEqual(['LADDER_NODE', 'APPEAL_WINDOW']);
    expect(a.asMade).toEqual(a.outcome);
    const b = await explain(thirtySix.sanctionId);
    expect(b).toMatchObject({ reproduced: true, inputs: { node: 36, skippedNodes: [24] } });
    expect(b.rules.map((r) => r.rule)).toEqual(['LADDER_NODE', 'SKIPPED_NODES', 'APPEAL_WINDOW']);
    // A measure changed behind the service's back no longer reproduces.
    await testbed.rows(`UPDATE measure SET ends_at = ends_at + interval '1 day' WHERE sanction_id = $1 AND ends_at IS NOT NULL`, [twelve.sanctionId]);
    expect((await explain(twelve.sanctionId)).reproduced).toBe(false);

    // A qualification forgery of 2021 (the 2019 rule): cleared out at once.
    const forger = aMerchantId('explain-forgery');
    await applyProfiles([aProfileEvent({ merchantId: forger })]);
    const { replica, handlers } = replicas[0];
    await replica.inbox.apply(testbed.batch(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId: forger, code: 'QUALIFICATION_FORGERY', severity: 'STANDARD', occurredAt: '2021-05-01T10:00:00+08:00' })]), (b) => handlers.forgery.handle(b));
    const [clearOut] = (await waitFor(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', forger, 1)).map((m) => m.json!.data);
    expect(await explain(clearOut.sanctionId)).toMatchObject({
      ruleVersion: '2019', reproduced: true, inputs: { cause: 'FORGERY', caseNumber: 1 }, rules: [{ rule: 'FORGERY_CLEAR_OUT', section: '4', values: { forgeryRule: 'CLEAR_OUT' } }],
    });
    expect((await explain('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e))).toMatchObject({ status: 404, code: 'DECISION.NOT_FOUND' });
  });

  it('waits for a rule version it has not read yet and decides under it, never under another; an unknown version is dead-lettered', async () => {
    // Another marketplace's version, approved by the api and on rules.versions.v1 already: its node 12 fines 1,234 CNY.
    const ruleData = structuredClone(ruleDataOf(RULE_SETS[1]));
    ruleData.ladders.SERIOUS[0].fineFen = 1_234 * CNY;
    const draft = draftVersion({ marketplace: 'tmall-global', versionId: 'late-v2', effectiveFrom: '2026-12-01', ruleData, author: 'alice', now });
    const version = approveVersion(draft, 'carol', now);
    await testbed.replicas[0].runner.run(async (tx) =>
      tx.publish(Topics.RulesVersionsV1, buildCloudEvent({
        source: 'api', type: EventTypes.RulebookVersionUpdatedV1, subject: 'tmall-global/late-v2', time: now,
        data: { ...version, ruleData: version.ruleData as never, approver: version.approver, updatedAt: '2026-11-23T10:00:00+08:00' },
      })),
    );
    // This replica of the sanction service has not read the topic yet: its feed starts later.
    const rules = new RuleBook();
    const { kafka, settings } = testbed.kafkaConnection;
    const feed = new RulebookFeed(kafka, settings, rules, new ReadinessRegistry(), 15_000);
    const late = sanctionHandlers(testbed.replicas[1], clock, { rules, rulebooks: feed });
    const merchantId = aMerchantId('late');
    try {
      let done = false;
      const applying = testbed.replicas[1].inbox
        .apply(testbed.batch(Topics.PenaltiesAssessedV1, [aPenaltyEvent({ merchantId, points: 12, total: 12, ruleVersion: 'late-v2', marketplace: 'tmall-global' })]), (b) => late.ladder.handle(b))
        .then((r) => ((done = true), r));
      await new Promise((r) => setTimeout(r, 1_000));
      expect(done).toBe(false);
      expect(rules.knows({ version: 'late-v2', marketplace: 'tmall-global' })).toBe(false);
      await feed.onApplicationBootstrap();
      expect(await applying).toEqual({ applied: 1, duplicates: 0, rejected: 0 });
      const [sanction] = (await waitFor(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId, 1)).map((m) => m.json!.data);
      expect(sanction).toMatchObject({ ruleVersion: 'late-v2', marketplace: 'tmall-global', ruleContentHash: version.contentHash, fine: { amountFen: 1_234 * CNY } });

      // A version that exists nowhere: read to the topic's end, still unknown, dead-lettered alone.
      const other = aMerchantId('unknown-version');
      expect(await testbed.replicas[1].inbox.apply(testbed.batch(Topics.PenaltiesAssessedV1, [aPenaltyEvent({ merchantId: other, points: 12, total: 12, ruleVersion: 'nowhere', marketplace: 'tmall-global' })]), (b) => late.ladder.handle(b))).toEqual({
        applied: 0, duplicates: 0, rejected: 1,
      });
      const dead = await testbed.recorder.waitFor((m) => m.topic === `${testbed.namespace}${Topics.PenaltiesAssessedV1}.dlq` && m.key === other);
      expect(dead[0].headers).toMatchObject({ 'x-dlq-reason': 'REJECTED', 'x-dlq-code': 'RULES.UNKNOWN_VERSION' });
    } finally {
      await feed.onApplicationShutdown();
    }
  });

  it('loses and doubles nothing when two replicas apply batches at once: different merchants, and one merchant from two partitions', async () => {
    const shared = aMerchantId('shared');
    const own = [0, 1].map((r) => Array.from({ length: 10 }, () => aMerchantId(`r${r}`)));
    const rounds = 4;
    // Replica 0 follows penalties (partition 0), replica 1 profiles (partition 1) and penalties of its own merchants (partition 2).
    const work = [
      (async () => {
        for (let i = 1; i <= rounds; i++) await applyPenalties([...own[0], shared].map((m) => aPenaltyEvent({ merchantId: m, points: 12, total: 12 * i })), 0, 0);
      })(),
      (async () => {
        for (let i = 1; i <= rounds; i++) {
          await applyProfiles([aProfileEvent({ merchantId: shared, categories: i % 2 ? ['OTC_DRUGS_MEDICAL_DEVICES'] : [] }), ...own[1].map((m) => aProfileEvent({ merchantId: m }))], 1, 1);
          await applyPenalties(own[1].map((m) => aPenaltyEvent({ merchantId: m, points: 12, total: 12 * i })), 1, 2);
        }
      })(),
    ];
    await Promise.all(work);
    for (const merchantId of [shared, ...own[0], ...own[1]]) {
      const sanctions = (await waitFor(Topics.SanctionsDecidedV1, 'sanction.imposed.v1', merchantId, 4)).map((m) => m.json!.data.cause.node);
      expect(sanctions).toEqual([12, 24, 36, 48]);
      expect(await nodes(merchantId)).toEqual(['12:IMPOSED', '24:IMPOSED', '36:IMPOSED', '48:IMPOSED']);
    }
    // The shared merchant's ledger holds every fine and the forfeiture of what was left, whatever the interleaving.
    await new Promise((r) => setTimeout(r, 500));
    const fines = deposits(shared).filter((d) => d.data.change.kind !== 'REQUIREMENT');
    expect(fines.map((d) => d.data.change.kind)).toEqual(['FINE_CHARGED', 'FINE_CHARGED', 'FINE_CHARGED', 'FORFEITURE'].slice(0, fines.length));
    const charged = fines.reduce((sum, d) => sum - d.data.change.amountFen, 0);
    expect(await account(shared)).toMatchObject({ fines: String(charged) });
    const requirements = deposits(shared).filter((d) => d.data.change.kind === 'REQUIREMENT');
    expect(requirements.map((d) => d.data.requiredFen)).toEqual([30_000_000, 5_000_000, 30_000_000, 5_000_000]);
    for (const merchantId of own[1]) expect(deposits(merchantId).filter((d) => d.data.change.kind === 'REQUIREMENT')).toHaveLength(1);
    expect(await testbed.rows('SELECT count(*)::int AS n FROM outbox_message')).toEqual([{ n: 0 }]);
  });
});
