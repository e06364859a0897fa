import { RULE_SETS } from '../rule-sets.data';
import { DEFAULT_DEPOSIT_RULE_DATA, RULE_DATA_FIELDS, ruleDataOf, ruleSetOfData } from './rule-data';

describe('RuleData', () => {
  it('is a RuleSet without its name and date, plus the deposit table', () => {
    for (const ruleSet of RULE_SETS) {
      const data = ruleDataOf(ruleSet);
      expect(Object.keys(data).sort()).toEqual([...RULE_DATA_FIELDS].sort());
      expect(data).not.toHaveProperty('version');
      expect(data.deposit).toBe(DEFAULT_DEPOSIT_RULE_DATA);
    }
  });

  it('gives back the RuleSet the domain functions take, under the version name and from Shanghai midnight of its date', () => {
    const ruleSet = ruleSetOfData(ruleDataOf(RULE_SETS[1]), 'v-x', '2022-06-27');
    expect(ruleSet).toEqual({ ...RULE_SETS[1], version: 'v-x', effectiveFrom: new Date('2022-06-27T00:00:00+08:00'), deposit: DEFAULT_DEPOSIT_RULE_DATA });
  });
});
