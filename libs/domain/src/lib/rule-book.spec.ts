import { RuleBook } from './rule-book';
import { applyRuleOverrides } from './rule-overrides';
import { RULE_SETS, SERIOUS_LADDER } from './rule-sets.data';

describe('RuleBook', () => {
  const book = new RuleBook();

  it('answers the version in force at an instant (forgery rule change 2022-06-27 Asia/Shanghai)', () => {
    expect(book.at(new Date('2022-06-26T23:59:59.999+08:00')).version).toBe('2019');
    expect(book.at(new Date('2022-06-27T00:00:00+08:00')).version).toBe('2022-06-27');
  });

  it('finds a version by name', () => {
    expect(book.ofVersion('2019').version).toBe('2019');
    expect(book.ofVersion('2022-06-27').version).toBe('2022-06-27');
  });

  it('refuses an unknown version loudly instead of falling back to the one in force', () => {
    expect(() => book.ofVersion('no-such')).toThrow(expect.objectContaining({ code: 'RULES.UNKNOWN_VERSION', retriable: false }));
    expect(() => book.ofVersion('')).toThrow(/Unknown rule version ""/);
  });

  it('applies operator overrides to every version, replacing only the ladders given', () => {
    const generalLadder = [{ ...SERIOUS_LADDER[0], node: 2 }];
    const ruleSets = applyRuleOverrides(RULE_SETS, { ladders: { GENERAL: generalLadder }, appealWindowDays: 10 });
    for (const ruleSet of ruleSets) {
      expect(ruleSet.ladders.GENERAL).toEqual(generalLadder);
      expect(ruleSet.ladders.SERIOUS).toBe(SERIOUS_LADDER);
      expect(ruleSet.appealWindowDays).toBe(10);
    }
    expect(ruleSets.map((r) => r.forgery.kind)).toEqual(['CLEAR_OUT', 'REMEDIATION']);
    expect(RULE_SETS[0].ladders.GENERAL).toEqual([]);
  });
});
