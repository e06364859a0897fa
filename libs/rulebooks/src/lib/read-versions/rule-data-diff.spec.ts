import { RULE_SETS, ruleDataOf } from '@penalty/domain';
import { diffRuleData } from './rule-data-diff';

describe('diffRuleData', () => {
  const v2019 = ruleDataOf(RULE_SETS[0]);
  const v2022 = ruleDataOf(RULE_SETS[1]);

  it('finds nothing between a version and itself', () => {
    expect(diffRuleData(v2022, structuredClone(v2022))).toEqual([]);
  });

  it('names the 2022-06-27 change: the forgery rule, and only rule data that differs', () => {
    const changes = diffRuleData(v2019, v2022);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => c.path.startsWith('forgery'))).toBe(true);
    expect(changes).toContainEqual({ path: 'forgery.kind', from: 'CLEAR_OUT', to: 'REMEDIATION' });
  });

  it('compares ladder steps item by item and lists of scalars whole; an added member is a change from undefined', () => {
    const edited = structuredClone(v2022);
    edited.ladders.SERIOUS[1].timedMeasureDays += 1;
    edited.ladders.SERIOUS[1].timedMeasures = [...edited.ladders.SERIOUS[1].timedMeasures].reverse();
    edited.selfCheckScenarios = [];
    (edited as Record<string, unknown>).extra = 1;
    const paths = diffRuleData(v2022, edited).map((c) => c.path);
    expect(paths).toContain('ladders.SERIOUS[1].timedMeasureDays');
    expect(paths).toContain('selfCheckScenarios');
    expect(diffRuleData(v2022, edited)).toContainEqual({ path: 'extra', from: undefined, to: 1 });
    expect(paths.filter((p) => p.startsWith('ladders.SERIOUS[0]'))).toEqual([]);
  });
});
