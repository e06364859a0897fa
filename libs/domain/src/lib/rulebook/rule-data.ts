import { shanghaiMidnight } from '../natural-year';
import type { RuleSet } from '../rule-set';
import type { StoreType, TrademarkStatus } from '../vocabulary';

const CNY = 100;

/**
 * Rulebook section 7 as data. `table` is the base amount by store type and trademark status (every
 * store type has its row, so nothing falls back silently); each override that matches a profile
 * replaces the table, and when several match the highest wins (project default: the larger guarantee).
 */
export interface DepositRuleData {
  tableFen: Record<StoreType, Record<TrademarkStatus, number>>;
  overrides: DepositOverride[];
}

/** One category override of section 7. It matches when both of its conditions hold (an empty list: any). */
export interface DepositOverride {
  /** The store types it applies to; empty: every store type. */
  storeTypes: StoreType[];
  /** Category keys (merchant profile `categories`) of which the profile must hold at least one; empty: any profile. */
  categoriesAny: string[];
  amountFen: number;
  /** A different amount for some store types (books and audio-video: franchise 100,000 CNY). */
  amountFenByStoreType: Partial<Record<StoreType, number>>;
}

/**
 * The whole rule data of a rulebook version: everything a decision depends on. It is a RuleSet's
 * fields without the version's name and date (those belong to the version, not to its content, so the
 * same content hashes the same under any name), plus the deposit table, which is code today
 * (deposit-requirement.ts) and becomes data here.
 */
export type RuleData = Omit<RuleSet, 'version' | 'effectiveFrom'> & { deposit: DepositRuleData };

/** The keys of RuleData, in the order the rulebook presents them (validation reports missing ones by name). */
export const RULE_DATA_FIELDS = [
  'points',
  'pointOverrides',
  'examScenarioPoints',
  'selfCheckScenarios',
  'pointlessCodes',
  'ladders',
  'appealWindowDays',
  'forgery',
  'forgeryClearOutMeasures',
  'forgeryUnremediedMeasures',
  'secondAppealGraceDays',
  'examChancesPerYear',
  'examChoiceWindowDays',
  'examScenarios',
  'depositTopUpDays',
  'deposit',
] as const satisfies readonly (keyof RuleData)[];

/** Section 7 today (deposit-requirement.ts: DEPOSIT_TABLE_FEN and its category overrides), as data. */
export const DEFAULT_DEPOSIT_RULE_DATA: DepositRuleData = {
  tableFen: {
    FLAGSHIP: { TM: 100_000 * CNY, R: 50_000 * CNY },
    SPECIALTY: { TM: 100_000 * CNY, R: 50_000 * CNY },
    // A marketplace-type flagship is a flagship in the table; its own override (150,000) replaces it.
    MARKETPLACE_FLAGSHIP: { TM: 100_000 * CNY, R: 50_000 * CNY },
    FRANCHISE: { TM: 150_000 * CNY, R: 100_000 * CNY },
  },
  overrides: [
    { storeTypes: ['MARKETPLACE_FLAGSHIP'], categoriesAny: [], amountFen: 150_000 * CNY, amountFenByStoreType: {} },
    { storeTypes: ['FRANCHISE'], categoriesAny: ['NO_MAINLAND_TRADEMARK'], amountFen: 150_000 * CNY, amountFenByStoreType: {} },
    { storeTypes: [], categoriesAny: ['BOOKS_AUDIO_VIDEO'], amountFen: 50_000 * CNY, amountFenByStoreType: { FRANCHISE: 100_000 * CNY } },
    { storeTypes: [], categoriesAny: ['SERVICES', 'E_TICKETS'], amountFen: 10_000 * CNY, amountFenByStoreType: {} },
    { storeTypes: [], categoriesAny: ['OTC_DRUGS_MEDICAL_DEVICES', 'CONTACT_LENSES', 'CHINESE_HERBAL_MEDICINE', 'MEDICAL_HEALTH_SERVICES'], amountFen: 300_000 * CNY, amountFenByStoreType: {} },
    { storeTypes: [], categoriesAny: ['ONLINE_GAMES_QQ', 'PHONE_TOPUP_TELECOM', 'TRAVEL'], amountFen: 10_000 * CNY, amountFenByStoreType: {} },
    { storeTypes: [], categoriesAny: ['CARS'], amountFen: 100_000 * CNY, amountFenByStoreType: {} },
  ],
};

/** A RuleSet's content as rule data (its name and date dropped), with a deposit table (default: today's). */
export function ruleDataOf(ruleSet: RuleSet, deposit: DepositRuleData = DEFAULT_DEPOSIT_RULE_DATA): RuleData {
  const { version: _version, effectiveFrom: _effectiveFrom, ...content } = ruleSet;
  return { ...content, deposit };
}

/** The RuleSet the existing domain functions take, for rule data in force from a Shanghai date under a version name. */
export function ruleSetOfData(ruleData: RuleData, versionId: string, effectiveFrom: string): RuleSet & { deposit: DepositRuleData } {
  return { ...ruleData, version: versionId, effectiveFrom: shanghaiMidnight(effectiveFrom) };
}
