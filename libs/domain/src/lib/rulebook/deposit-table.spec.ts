import { DEPOSIT_CATEGORIES, depositRequirementFen, type DepositProfile } from '../deposit-requirement';
import { STORE_TYPES, TRADEMARK_STATUSES } from '../vocabulary';
import { depositRequirementFenUnder } from './deposit-table';
import { DEFAULT_DEPOSIT_RULE_DATA, type DepositRuleData } from './rule-data';

describe('depositRequirementFenUnder (section 7 as data)', () => {
  it('answers what deposit-requirement.ts answers for every store type, trademark status and category pair', () => {
    const categorySets: string[][] = [[], ...DEPOSIT_CATEGORIES.map((c) => [c]), ...DEPOSIT_CATEGORIES.flatMap((a, i) => DEPOSIT_CATEGORIES.slice(i + 1).map((b) => [a, b]))];
    let compared = 0;
    for (const storeType of STORE_TYPES)
      for (const trademarkStatus of TRADEMARK_STATUSES)
        for (const categories of categorySets) {
          const profile: DepositProfile = { storeType, trademarkStatus, categories };
          expect([profile, depositRequirementFenUnder(profile, DEFAULT_DEPOSIT_RULE_DATA)]).toEqual([profile, depositRequirementFen(profile)]);
          compared++;
        }
    expect(compared).toBe(4 * 2 * (1 + 12 + 66));
  });

  it('follows changed data: a new table cell, and the highest of several matching overrides', () => {
    const deposit: DepositRuleData = structuredClone(DEFAULT_DEPOSIT_RULE_DATA);
    deposit.tableFen.FLAGSHIP.R = 60_000_00;
    deposit.overrides.push({ storeTypes: ['FLAGSHIP'], categoriesAny: ['CARS'], amountFen: 500_000_00, amountFenByStoreType: {} });
    expect(depositRequirementFenUnder({ storeType: 'FLAGSHIP', trademarkStatus: 'R', categories: [] }, deposit)).toBe(60_000_00);
    expect(depositRequirementFenUnder({ storeType: 'FLAGSHIP', trademarkStatus: 'R', categories: ['CARS'] }, deposit)).toBe(500_000_00);
    expect(depositRequirementFenUnder({ storeType: 'SPECIALTY', trademarkStatus: 'R', categories: ['CARS'] }, deposit)).toBe(100_000_00);
  });
});
