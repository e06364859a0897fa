import { randomUUID } from 'node:crypto';
import { Topics } from '@penalty/contracts';
import { FixedClock, RuleBook } from '@penalty/domain';
import { aMerchantId, aViolationEvent, HandlerTestbed } from '@penalty/testing';
import { AssessViolationsHandler } from './assess-violations.handler';
import { scoringTestbedOptions } from '../../testing/scoring-testbed';

/**
 * Assessing whole batches on real PostgreSQL and Kafka: a merchant's violations in one batch count in
 * order; repeats and rejections affect only themselves; two replicas applying batches of the same
 * merchants at once neither lose nor double points.
 */
describe('assess violations, a batch at a time (real PostgreSQL and Kafka)', () => {
  const clock = new FixedClock('2026-11-23T10:00:00+08:00');
  const testbed = new HandlerTestbed(scoringTestbedOptions(clock));
  const handler = new AssessViolationsHandler(clock, new RuleBook());
  const apply = (replica: number, events: object[], partition = 0) =>
    testbed.replicas[replica].inbox.apply(testbed.batch(Topics.ViolationsDetectedV1, events, partition), (b) => handler.handle(b));
  const assessedOf = (merchantId: string) => testbed.published(Topics.PenaltiesAssessedV1, 'penalty.assessed.v1').filter((e) => e.subject === merchantId);
  const totalsOf = (merchantId: string) => testbed.rows('SELECT natural_year, general, serious FROM merchant_year_points WHERE merchant_id = $1', [merchantId]);

  beforeAll(() => testbed.start(2), 120_000);
  afterAll(() => testbed.stop());

  it("counts a merchant's violations of one batch in order, each event carrying the totals after it", async () => {
    const merchantId = aMerchantId('order');
    const other = aMerchantId('other');
    const events = [aViolationEvent({ merchantId }), aViolationEvent({ merchantId: other }), aViolationEvent({ merchantId }), aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' }), aViolationEvent({ merchantId })];
    expect(await apply(0, events)).toEqual({ applied: 5, duplicates: 0, rejected: 0 });
    await testbed.waitForPublished(Topics.PenaltiesAssessedV1, 'penalty.assessed.v1', 5);
    const published = assessedOf(merchantId);
    expect(published.map((e) => e.data.violationId)).toEqual([events[0], events[2], events[3], events[4]].map((e) => e.data.violationId));
    expect(published.map((e) => e.data.totals)).toEqual([
      { general: 0, serious: 12 },
      { general: 0, serious: 24 },
      { general: published[2].data.points, serious: 24 },
      { general: published[2].data.points, serious: 36 },
    ]);
    expect(await totalsOf(merchantId)).toEqual([{ natural_year: 2026, general: published[2].data.points, serious: 36 }]);
    expect(await totalsOf(other)).toEqual([{ natural_year: 2026, general: 0, serious: 12 }]);
    const [{ n }] = await testbed.rows<{ n: number }>('SELECT count(*)::int AS n FROM violation WHERE merchant_id = $1', [merchantId]);
    expect(n).toBe(4);
  });

  it('assesses a violationId once, whether repeated in the batch under a new event id or seen in an earlier batch', async () => {
    const merchantId = aMerchantId('dup');
    const first = aViolationEvent({ merchantId });
    expect(await apply(0, [first, aViolationEvent({ merchantId, violationId: first.data.violationId }), first])).toEqual({ applied: 2, duplicates: 1, rejected: 0 });
    expect(await apply(0, [aViolationEvent({ merchantId, violationId: first.data.violationId }), aViolationEvent({ merchantId })])).toEqual({ applied: 2, duplicates: 0, rejected: 0 });
    await testbed.recorder.waitFor((m) => m.key === merchantId, 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(assessedOf(merchantId).map((e) => e.data.totals.serious)).toEqual([12, 24]);
    expect(await totalsOf(merchantId)).toEqual([{ natural_year: 2026, general: 0, serious: 24 }]);
  });

  it('dead-letters a violation the rules refuse and assesses the rest of its batch as if it were not there', async () => {
    const merchantId = aMerchantId('reject');
    const refused = aViolationEvent({ merchantId, code: 'FRAUD', scenario: 'AD_INFO' });
    expect(await apply(0, [aViolationEvent({ merchantId }), refused, aViolationEvent({ merchantId })])).toEqual({ applied: 2, duplicates: 0, rejected: 1 });
    const dead = await testbed.recorder.waitFor((m) => m.topic === `${testbed.namespace}${Topics.ViolationsDetectedV1}.dlq` && m.key === merchantId);
    expect(dead[0].headers).toMatchObject({ 'x-dlq-reason': 'REJECTED', 'x-dlq-code': 'VIOLATION.SCENARIO_CODE_MISMATCH' });
    expect(JSON.parse(dead[0].value).data.violationId).toBe(refused.data.violationId);
    await testbed.recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'penalty.assessed.v1', 2);
    expect(assessedOf(merchantId).map((e) => e.data.totals.serious)).toEqual([12, 24]);
    const [{ n }] = await testbed.rows<{ n: number }>('SELECT count(*)::int AS n FROM violation WHERE violation_id = $1', [refused.data.violationId]);
    expect(n).toBe(0);
  });

  it('gives the self-check chance to the first AD_INFO of the batch and offers the exam chance to the next one', async () => {
    const merchantId = aMerchantId('exam');
    const chanceId = randomUUID();
    await testbed.rows(
      `INSERT INTO exam_chance (chance_id, merchant_id, natural_year, status, granted_at, expires_at, updated_at) VALUES ($1, $2, 2026, 'GRANTED', $3, '2027-01-01T00:00:00+08:00', $3)`,
      [chanceId, merchantId, clock.now()],
    );
    const ad = () => aViolationEvent({ merchantId, code: 'INFORMATION_ABUSE', severity: 'MINOR', scenario: 'AD_INFO' });
    const [first, second] = [ad(), ad()];
    expect(await apply(0, [first, second])).toEqual({ applied: 2, duplicates: 0, rejected: 0 });
    const [offer] = await testbed.waitForPublished(Topics.RemediesUpdatedV1, 'exam-chance.updated.v1', 1);
    expect(offer.data).toMatchObject({ chanceId, merchantId, status: 'GRANTED', offer: { violationId: second.data.violationId, choiceClosesAt: '2026-12-08T10:00:00+08:00' } });
    // The two topics are published independently: the offer may arrive before the assessments.
    await testbed.recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'penalty.assessed.v1', 2);
    expect(assessedOf(merchantId).map((e) => [e.data.points, e.data.waiver])).toEqual([
      [0, 'SELF_CHECK'],
      [1, null],
    ]);
  });

  it('offers no chance an operator voids meanwhile: the assessment waits for the chance row, then sees it void (no read-then-publish race)', async () => {
    const merchantId = aMerchantId('exam-race');
    const chanceId = randomUUID();
    await testbed.rows(
      `INSERT INTO exam_chance (chance_id, merchant_id, natural_year, status, granted_at, expires_at, updated_at) VALUES ($1, $2, 2026, 'GRANTED', $3, '2027-01-01T00:00:00+08:00', $3)`,
      [chanceId, merchantId, clock.now()],
    );
    const ad = () => aViolationEvent({ merchantId, code: 'INFORMATION_ABUSE', severity: 'MINOR', scenario: 'AD_INFO' });
    // An operator's void of the chance, in progress: its row is locked and changed, not committed yet.
    const operator = testbed.replicas[1].dataSource.createQueryRunner();
    await operator.startTransaction();
    try {
      await operator.query(`UPDATE exam_chance SET status = 'VOIDED', reason = 'abused', updated_at = now() WHERE chance_id = $1`, [chanceId]);
      let done = false;
      const assessing = apply(0, [ad(), ad()]).then((r) => ((done = true), r));
      await new Promise((r) => setTimeout(r, 1_000));
      // The assessment waits for the chance row instead of offering the chance it read as GRANTED.
      expect(done).toBe(false);
      await operator.commitTransaction();
      expect(await assessing).toEqual({ applied: 2, duplicates: 0, rejected: 0 });
    } finally {
      if (operator.isTransactionActive) await operator.rollbackTransaction();
      await operator.release();
    }
    await testbed.recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'penalty.assessed.v1', 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(assessedOf(merchantId).map((e) => e.data.points)).toEqual([0, 1]);
    expect(testbed.published(Topics.RemediesUpdatedV1, 'exam-chance.updated.v1').filter((e) => e.subject === merchantId)).toEqual([]);
  });

  it('loses and doubles nothing when two replicas apply batches of the same merchants at once', async () => {
    const merchants = Array.from({ length: 6 }, () => aMerchantId('replicas'));
    // Each replica gets its own events (as two partitions would) for the same merchants, in several batches.
    const batches = () => Array.from({ length: 5 }, () => merchants.map((merchantId) => aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' })));
    const results = await Promise.all([0, 1].map(async (replica) => {
      let applied = 0;
      for (const events of batches()) applied += (await apply(replica, events, replica)).applied;
      return applied;
    }));
    expect(results).toEqual([30, 30]);
    const points = (await testbed.rows<{ points: number }>('SELECT points FROM violation WHERE merchant_id = $1 LIMIT 1', [merchants[0]]))[0].points;
    for (const merchantId of merchants) expect(await totalsOf(merchantId)).toEqual([{ natural_year: 2026, general: 10 * points, serious: 0 }]);
    await testbed.recorder.waitFor((m) => merchants.includes(m.key ?? '') && m.json?.type === 'penalty.assessed.v1', 60);
    for (const merchantId of merchants) expect(assessedOf(merchantId).map((e) => e.data.totals.general)).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * points));
  });
});
