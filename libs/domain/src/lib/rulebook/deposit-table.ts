import type { DepositProfile } from '../deposit-requirement';
import type { DepositOverride, DepositRuleData } from './rule-data';

function matches(override: DepositOverride, profile: DepositProfile): boolean {
  if (override.storeTypes.length > 0 && !override.storeTypes.includes(profile.storeType)) return false;
  return override.categoriesAny.length === 0 || override.categoriesAny.some((c) => profile.categories.includes(c));
}

/**
 * Rulebook section 7 under a version's deposit data: the highest matching override replaces the table;
 * with none, the table's cell for the store type and trademark status.
 */
export function depositRequirementFenUnder(profile: DepositProfile, deposit: DepositRuleData): number {
  let highest: number | null = null;
  for (const override of deposit.overrides) {
    if (!matches(override, profile)) continue;
    const fen = override.amountFenByStoreType[profile.storeType] ?? override.amountFen;
    if (highest === null || fen > highest) highest = fen;
  }
  return highest ?? deposit.tableFen[profile.storeType][profile.trademarkStatus];
}
