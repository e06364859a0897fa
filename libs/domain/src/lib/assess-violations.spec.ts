import { assessViolations, examOfferOf, scenarioKey, totalsKey, type PointsHistory, type ViolationToAssess } from './assess-violations';
import { ruleSetAt } from './rule-sets.data';

const at = (iso: string) => new Date(iso);
const none: PointsHistory = { knownViolations: new Set(), totals: new Map(), scenariosSeen: new Set() };
const violation = (violationId: string, over: Partial<ViolationToAssess> = {}): ViolationToAssess => ({
  violationId,
  merchantId: 'm-1',
  code: 'COUNTERFEIT_GOODS',
  severity: 'STANDARD',
  occurredAt: at('2026-03-01T10:00:00+08:00'),
  ...over,
});

describe('assessing a batch of violations in order (rulebook sections 1 and 2)', () => {
  it('counts a merchant\'s second violation of the batch on top of the first, and keeps merchants apart', () => {
    const { outcomes, totals } = assessViolations([violation('v1'), violation('v2', { merchantId: 'm-2' }), violation('v3')], none, (at) => ruleSetAt(at));
    expect(outcomes.map((o) => (o.kind === 'ASSESSED' ? [o.violation.violationId, o.totals.serious] : o.kind))).toEqual([
      ['v1', 12],
      ['v2', 12],
      ['v3', 24],
    ]);
    expect(totals.get(totalsKey('m-1', 2026))).toEqual({ general: 0, serious: 24 });
    expect(totals.get(totalsKey('m-2', 2026))).toEqual({ general: 0, serious: 12 });
  });

  it('starts from the totals known before the batch, per natural year (Asia/Shanghai)', () => {
    const history: PointsHistory = { ...none, totals: new Map([[totalsKey('m-1', 2026), { general: 3, serious: 36 }]]) };
    const { outcomes } = assessViolations(
      [violation('v1'), violation('v2', { occurredAt: at('2025-12-31T16:30:00Z') }), violation('v3', { code: 'DELAYED_SHIPMENT', severity: 'MINOR' })],
      history,
      (at) => ruleSetAt(at),
    );
    expect(outcomes.map((o) => o.kind === 'ASSESSED' && [o.assessment.naturalYear, o.totals])).toEqual([
      [2026, { general: 0 + 3, serious: 48 }],
      // 2025-12-31T16:30Z is 2026-01-01 00:30 in Shanghai.
      [2026, { general: 3, serious: 60 }],
      [2026, { general: 3 + ruleSetAt(at('2026-03-01T10:00:00+08:00')).points.GENERAL.MINOR, serious: 60 }],
    ]);
  });

  it('gives the self-check chance to the first AD_INFO of the year in the batch only, and none if one was seen before', () => {
    const ad = (id: string, merchantId = 'm-1') => violation(id, { merchantId, code: 'INFORMATION_ABUSE', severity: 'MINOR', scenario: 'AD_INFO' });
    const history: PointsHistory = { ...none, scenariosSeen: new Set([scenarioKey('m-2', 2026, 'AD_INFO')]) };
    const { outcomes } = assessViolations([ad('a1'), ad('a2'), ad('b1', 'm-2')], history, (at) => ruleSetAt(at));
    expect(outcomes.map((o) => o.kind === 'ASSESSED' && [o.assessment.points, o.assessment.waiver])).toEqual([
      [0, 'SELF_CHECK'],
      [1, null],
      [1, null],
    ]);
  });

  it('skips a violationId assessed before or earlier in the batch', () => {
    const history: PointsHistory = { ...none, knownViolations: new Set(['old']) };
    const { outcomes, totals } = assessViolations([violation('old'), violation('v1'), violation('v1')], history, (at) => ruleSetAt(at));
    expect(outcomes.map((o) => o.kind)).toEqual(['DUPLICATE', 'ASSESSED', 'DUPLICATE']);
    expect(totals.get(totalsKey('m-1', 2026))).toEqual({ general: 0, serious: 12 });
  });

  it('rejects a violation the rules refuse alone: the others of the batch are assessed as if it were not there', () => {
    const { outcomes } = assessViolations([violation('v1'), violation('bad', { code: 'FRAUD', scenario: 'AD_INFO' }), violation('v2')], none, (at) => ruleSetAt(at));
    expect(outcomes.map((o) => o.kind)).toEqual(['ASSESSED', 'REJECTED', 'ASSESSED']);
    const rejected = outcomes[1];
    expect(rejected.kind === 'REJECTED' && rejected.error.code).toBe('VIOLATION.SCENARIO_CODE_MISMATCH');
    expect(outcomes[2].kind === 'ASSESSED' && outcomes[2].totals.serious).toBe(24);
  });

  it('does not change the history it was given', () => {
    const history: PointsHistory = { knownViolations: new Set(), totals: new Map([[totalsKey('m-1', 2026), { general: 0, serious: 12 }]]), scenariosSeen: new Set() };
    assessViolations([violation('v1')], history, (at) => ruleSetAt(at));
    expect(history.totals.get(totalsKey('m-1', 2026))).toEqual({ general: 0, serious: 12 });
    expect(history.knownViolations.size).toBe(0);
  });
});

describe('the exam chance offered by an assessment (rulebook section 6)', () => {
  const ruleSet = ruleSetAt(at('2026-03-01T10:00:00+08:00'));
  const decidedAt = at('2026-03-01T10:00:00+08:00');

  it('opens the choice for 15 days on a scored violation of an exam scenario', () => {
    expect(examOfferOf({ scenario: 'AD_INFO', points: 1, decidedAt, ruleSet })).toEqual({ choiceClosesAt: at('2026-03-16T10:00:00+08:00') });
  });

  it('offers nothing without an exam scenario or without points', () => {
    expect(examOfferOf({ scenario: null, points: 12, decidedAt, ruleSet })).toBeNull();
    expect(examOfferOf({ scenario: 'AD_INFO', points: 0, decidedAt, ruleSet })).toBeNull();
  });
});
