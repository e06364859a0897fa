import { explainForgerySanction, explainLadderSanction } from './explain-sanction';
import { addNaturalDays } from './natural-year';
import { RULE_SETS } from './rule-sets.data';
import { planLadderSanction } from './serious-ladder';

const ruleSet = RULE_SETS[1];
const decidedAt = new Date('2026-11-23T10:00:00+08:00');

describe('explainLadderSanction (rulebook sections 3 and 5)', () => {
  it("names node 24's step of the SERIOUS ladder and gives the plan the ladder handler imposes", () => {
    const step = ruleSet.ladders.SERIOUS.find((s) => s.node === 24)!;
    const { outcome, rules } = explainLadderSanction({ track: 'SERIOUS', node: 24, skippedNodes: [], decidedAt, ruleSet });
    expect(rules.map((r) => r.rule)).toEqual(['LADDER_NODE', 'APPEAL_WINDOW']);
    expect(rules[0].values).toMatchObject({ node: 24, timedMeasureDays: step.timedMeasureDays, fineFen: step.fineFen });
    const plan = planLadderSanction(step, decidedAt, ruleSet);
    expect(outcome.measures).toEqual(plan.measures.map((m) => ({ type: m.type, endsAt: m.endsAt })));
    expect(outcome.appealDeadline).toEqual(addNaturalDays(decidedAt, ruleSet.appealWindowDays));
    expect(rules[0].text.zh).toContain('24 分');
  });

  it('records skipped nodes: only the highest node reached is imposed', () => {
    const { rules } = explainLadderSanction({ track: 'SERIOUS', node: 36, skippedNodes: [12, 24], decidedAt, ruleSet });
    expect(rules.find((r) => r.rule === 'SKIPPED_NODES')?.values).toEqual({ skippedNodes: [12, 24] });
  });

  it('refuses a node that is not on the ladder of the version', () => {
    expect(() => explainLadderSanction({ track: 'SERIOUS', node: 13, skippedNodes: [], decidedAt, ruleSet })).toThrow(expect.objectContaining({ code: 'RULES.NODE_NOT_IN_LADDER' }));
  });
});

describe('explainForgerySanction (rulebook section 4)', () => {
  it('fines a remedied case by its number under the 2022-06-27 rule, and fines and delists an unremedied one', () => {
    const rule = ruleSet.forgery;
    if (rule.kind !== 'REMEDIATION') throw new Error('2022-06-27 has a remediation rule');
    expect(explainForgerySanction({ outcome: 'REMEDIED', caseNumber: 2, ruleSet }).outcome.fineFen).toBe(rule.fineFenByCaseNumber[1]);
    const unremedied = explainForgerySanction({ outcome: 'UNREMEDIED', caseNumber: 1, ruleSet });
    expect(unremedied.outcome).toMatchObject({ fineFen: rule.unremediedFineFen, measures: ruleSet.forgeryUnremediedMeasures.map((type) => ({ type, endsAt: null })) });
  });

  it('clears out under the 2019 rule: termination measures and the deposit', () => {
    const { outcome, rules } = explainForgerySanction({ outcome: 'CLEARED_OUT', caseNumber: 1, ruleSet: RULE_SETS[0] });
    expect(outcome).toMatchObject({ forfeitsDeposit: true, fineFen: null });
    expect(rules[0]).toMatchObject({ rule: 'FORGERY_CLEAR_OUT', values: { forgeryRule: 'CLEAR_OUT' } });
  });
});
