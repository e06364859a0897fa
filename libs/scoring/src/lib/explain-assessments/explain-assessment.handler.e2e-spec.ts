import { Topics } from '@penalty/contracts';
import { approveVersion, draftVersion, FixedClock, RULE_SETS, RuleBook, ruleDataOf } from '@penalty/domain';
import { ALWAYS_CURRENT } from '@penalty/messaging';
import { ProblemException } from '@penalty/runtime';
import { aMerchantId, aViolationEvent, HandlerTestbed } from '@penalty/testing';
import { AssessViolationsHandler } from '../assess-violations/assess-violations.handler';
import { ExplainAssessmentHandler } from './explain-assessment.handler';
import { scoringTestbedOptions } from '../../testing/scoring-testbed';

/**
 * Every assessment explained from what is stored (rulebook section 9): the inputs it saw, the rule
 * cells of the version it names, and the decision recomputed from them, which equals the decision as
 * made (and says so when it does not: a stored row changed behind the service's back).
 */
describe('explaining assessments (real PostgreSQL)', () => {
  const clock = new FixedClock('2026-11-23T10:00:00+08:00');
  const testbed = new HandlerTestbed(scoringTestbedOptions(clock));
  const rules = new RuleBook();
  const assess = new AssessViolationsHandler(clock, rules);
  let explain: ExplainAssessmentHandler['explain'];
  const apply = (events: object[]) => testbed.replicas[0].inbox.apply(testbed.batch(Topics.ViolationsDetectedV1, events), (b) => assess.handle(b));

  beforeAll(async () => {
    await testbed.start(1);
    const handler = new ExplainAssessmentHandler(testbed.dataSource, rules, ALWAYS_CURRENT);
    explain = (id) => handler.explain(id);
  }, 120_000);
  afterAll(() => testbed.stop());

  it("shows the violation's listings and evidence as the event carried them (none kept for violations from before)", async () => {
    const merchantId = aMerchantId('explain-evidence');
    const evidence = [
      { kind: 'LISTING_SNAPSHOT', uri: 'https://evidence.example/listings/item-7.html', sha256: 'c'.repeat(64) },
      { kind: 'TEST_PURCHASE', uri: 's3://evidence/purchases/p-1.pdf', sha256: 'd'.repeat(64) },
    ];
    const violation = aViolationEvent({ merchantId, extraData: { itemIds: ['item-7', 'item-8'], evidence } });
    const bare = aViolationEvent({ merchantId: aMerchantId('explain-evidence') });
    await apply([violation, bare]);
    expect((await explain(violation.data.violationId)).inputs.violation).toMatchObject({ violationId: violation.data.violationId, itemIds: ['item-7', 'item-8'], evidence });
    expect((await explain(bare.data.violationId)).inputs.violation).toMatchObject({ itemIds: ['item-1'], evidence: [] });
    await testbed.rows('UPDATE violation SET evidence = NULL WHERE violation_id = $1', [bare.data.violationId]);
    expect((await explain(bare.data.violationId)).inputs.violation.evidence).toBeNull();
  });

  it('explains a SERIOUS violation counted on top of an earlier one: table cell, totals before and after, the prior decision, reproduced', async () => {
    const merchantId = aMerchantId('explain');
    const first = aViolationEvent({ merchantId, occurredAt: '2026-11-20T10:00:00+08:00' });
    await apply([first]);
    clock.set('2026-11-23T11:00:00+08:00');
    const second = aViolationEvent({ merchantId, occurredAt: '2026-11-22T10:00:00+08:00' });
    await apply([second]);
    const points = RULE_SETS[1].points.SERIOUS.STANDARD;
    const explanation = await explain(second.data.violationId);
    expect(explanation).toMatchObject({
      kind: 'ASSESSMENT', marketplace: 'tmall', ruleVersion: '2022-06-27', ruleContentHash: rules.ofVersion('2022-06-27').contentHash,
      inputs: { naturalYear: 2026, track: 'SERIOUS', totalsBefore: { general: 0, serious: points }, totalsAfter: { general: 0, serious: 2 * points }, priorDecisions: [{ violationId: first.data.violationId, points }] },
      rules: [{ rule: 'POINTS_TABLE', section: '1', values: { track: 'SERIOUS', severity: 'STANDARD', points } }],
      outcome: { basePoints: points, points, waiver: null },
      asMade: { basePoints: points, points, waiver: null },
      reproduced: true,
    });
    expect(explanation.rules[0].text.zh).toContain('严重违规');
    // By its assessment id too.
    const [{ assessment_id }] = await testbed.rows<{ assessment_id: string }>('SELECT assessment_id FROM violation WHERE violation_id = $1', [second.data.violationId]);
    expect((await explain(assessment_id)).inputs.violation.violationId).toBe(second.data.violationId);
  });

  it("explains the self-check chance taken by a batch's first AD_INFO and gone for the second; both reproduced", async () => {
    const merchantId = aMerchantId('explain-ad');
    const ad = () => aViolationEvent({ merchantId, code: 'INFORMATION_ABUSE', severity: 'MINOR', scenario: 'AD_INFO' });
    const [first, second] = [ad(), ad()];
    await apply([first, second]);
    const a = await explain(first.data.violationId);
    const b = await explain(second.data.violationId);
    expect([a.rules.map((r) => r.rule), a.inputs.scenarioSeenBefore, a.outcome.waiver, a.reproduced]).toEqual([['EXAM_SCENARIO_POINTS', 'SELF_CHECK'], false, 'SELF_CHECK', true]);
    expect([b.rules.map((r) => r.rule), b.inputs.scenarioSeenBefore, b.outcome.points, b.reproduced]).toEqual([['EXAM_SCENARIO_POINTS', 'NO_SELF_CHECK'], true, RULE_SETS[1].examScenarioPoints, true]);
  });

  it("explains a decision of another marketplace under the version it learned, by that version's name and hash", async () => {
    const ruleData = structuredClone(ruleDataOf(RULE_SETS[1]));
    ruleData.points.SERIOUS.STANDARD = 7;
    const version = approveVersion(draftVersion({ marketplace: 'tmall-global', versionId: 'global-2026', effectiveFrom: '2026-11-01', ruleData, author: 'alice', now: new Date('2026-10-01T00:00:00Z') }), 'carol', new Date('2026-10-02T00:00:00Z'));
    rules.learn(version);
    const violation = aViolationEvent({ merchantId: aMerchantId('explain-global'), occurredAt: '2026-11-22T10:00:00+08:00', extraData: { marketplace: 'tmall-global' } });
    await apply([violation]);
    expect(await explain(violation.data.violationId)).toMatchObject({
      marketplace: 'tmall-global', ruleVersion: 'global-2026', ruleContentHash: version.contentHash,
      rules: [{ rule: 'POINTS_TABLE', values: { points: 7 } }], asMade: { points: 7 }, reproduced: true,
    });
  });

  it('keeps the decision as made apart from what it counts for now, and says when a stored decision no longer reproduces', async () => {
    const merchantId = aMerchantId('explain-adjusted');
    const violation = aViolationEvent({ merchantId });
    await apply([violation]);
    const points = RULE_SETS[1].points.SERIOUS.STANDARD;
    // An accepted appeal waived it later.
    await testbed.rows(`UPDATE violation SET points = 0, waiver = 'APPEAL' WHERE violation_id = $1`, [violation.data.violationId]);
    expect(await explain(violation.data.violationId)).toMatchObject({ current: { points: 0, waiver: 'APPEAL' }, asMade: { points, waiver: null }, reproduced: true });
    // A row changed behind the service's back no longer matches what its rules give.
    await testbed.rows('UPDATE violation SET assessed_points = assessed_points + 1 WHERE violation_id = $1', [violation.data.violationId]);
    expect((await explain(violation.data.violationId)).reproduced).toBe(false);
  });

  it('answers 404 for a decision it does not have', async () => {
    const refusal = await explain('no-such-violation').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ProblemException);
    expect(refusal).toMatchObject({ status: 404, code: 'DECISION.NOT_FOUND' });
  });
});
