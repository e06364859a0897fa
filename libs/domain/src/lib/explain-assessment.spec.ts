import { explainAssessment } from './explain-assessment';
import { RULE_SETS } from './rule-sets.data';

const ruleSet = RULE_SETS[1];
const at = new Date('2026-03-01T10:00:00+08:00');
const fresh = { scenarioAlreadySeenThisYear: false };

describe('explainAssessment (rulebook sections 1, 2 and 6)', () => {
  it("names the track's table cell for a code without a cell of its own", () => {
    const { outcome, rules } = explainAssessment({ code: 'COUNTERFEIT_GOODS', severity: 'STANDARD', occurredAt: at }, fresh, ruleSet);
    expect(rules).toEqual([expect.objectContaining({ rule: 'POINTS_TABLE', section: '1', values: { track: 'SERIOUS', severity: 'STANDARD', points: ruleSet.points.SERIOUS.STANDARD } })]);
    expect(outcome.points).toBe(ruleSet.points.SERIOUS.STANDARD);
    expect(rules[0].text.en).toContain('SERIOUS');
    expect(rules[0].text.zh).toContain('严重违规');
  });

  it("names a code's own cell when the rule data has one", () => {
    const overridden = { ...ruleSet, pointOverrides: { DELAYED_SHIPMENT: { MINOR: 5 } } };
    const { outcome, rules } = explainAssessment({ code: 'DELAYED_SHIPMENT', severity: 'MINOR', occurredAt: at }, fresh, overridden);
    expect(rules).toEqual([expect.objectContaining({ rule: 'POINT_OVERRIDE', values: { code: 'DELAYED_SHIPMENT', severity: 'MINOR', points: 5 } })]);
    expect(outcome.points).toBe(5);
  });

  it('explains an AD_INFO violation: the scenario points, then the self-check chance taken the first time and not the second', () => {
    const facts = { code: 'INFORMATION_ABUSE' as const, severity: 'SEVERE' as const, scenario: 'AD_INFO' as const, occurredAt: at };
    const first = explainAssessment(facts, fresh, ruleSet);
    expect(first.rules.map((r) => r.rule)).toEqual(['EXAM_SCENARIO_POINTS', 'SELF_CHECK']);
    expect(first.outcome).toMatchObject({ points: 0, waiver: 'SELF_CHECK', basePoints: ruleSet.examScenarioPoints });
    const second = explainAssessment(facts, { scenarioAlreadySeenThisYear: true }, ruleSet);
    expect(second.rules.map((r) => r.rule)).toEqual(['EXAM_SCENARIO_POINTS', 'NO_SELF_CHECK']);
    expect(second.outcome).toMatchObject({ points: ruleSet.examScenarioPoints, waiver: null });
  });

  it('names a code that carries no points', () => {
    const code = ruleSet.pointlessCodes[0];
    const { outcome, rules } = explainAssessment({ code, severity: 'STANDARD', occurredAt: at }, fresh, ruleSet);
    expect(rules.map((r) => r.rule)).toEqual(['POINTLESS_CODE']);
    expect(outcome.points).toBe(0);
  });
});
