import { shanghaiMidnight } from './natural-year';
import type { LadderStep, RuleSet } from './rule-set';
import { EXAM_ELIGIBLE_SCENARIOS } from './vocabulary';

const CNY = 100;

/** Rulebook section 3, row by row. */
export const SERIOUS_LADDER: LadderStep[] = [
  {
    node: 12,
    timedMeasures: ['STORE_SHIELDING', 'LISTING_RESTRICTION', 'MESSAGING_RESTRICTION', 'STORE_CREATION_RESTRICTION', 'COMMUNITY_RESTRICTION', 'PUBLIC_WARNING'],
    timedMeasureDays: 7,
    marketingBanDays: 30,
    oneOffMeasures: [],
    fineFen: 20_000 * CNY,
    forfeitsDeposit: false,
  },
  {
    node: 24,
    timedMeasures: ['STORE_SHIELDING', 'LISTING_RESTRICTION', 'STORE_CREATION_RESTRICTION', 'MESSAGING_RESTRICTION', 'COMMUNITY_RESTRICTION', 'PUBLIC_WARNING'],
    timedMeasureDays: 14,
    marketingBanDays: 60,
    oneOffMeasures: ['DELIST_ALL_ITEMS'],
    fineFen: 30_000 * CNY,
    forfeitsDeposit: false,
  },
  {
    node: 36,
    timedMeasures: ['STORE_CLOSURE', 'MESSAGING_RESTRICTION', 'COMMUNITY_RESTRICTION', 'PUBLIC_WARNING'],
    timedMeasureDays: 21,
    marketingBanDays: 90,
    oneOffMeasures: [],
    fineFen: 40_000 * CNY,
    forfeitsDeposit: false,
  },
  {
    node: 48,
    timedMeasures: [],
    timedMeasureDays: 0,
    marketingBanDays: 0,
    oneOffMeasures: ['TERMINATION', 'ACCOUNT_SEAL', 'DEPOSIT_FORFEITURE'],
    fineFen: null,
    forfeitsDeposit: true,
  },
];

const COMMON = {
  points: { GENERAL: { MINOR: 1, STANDARD: 3, SEVERE: 6 }, SERIOUS: { MINOR: 6, STANDARD: 12, SEVERE: 48 } },
  pointOverrides: {},
  examScenarioPoints: 1,
  selfCheckScenarios: [...EXAM_ELIGIBLE_SCENARIOS],
  pointlessCodes: ['QUALIFICATION_FORGERY' as const],
  ladders: { GENERAL: [], SERIOUS: SERIOUS_LADDER },
  appealWindowDays: 15,
  forgeryClearOutMeasures: ['TERMINATION', 'DEPOSIT_FORFEITURE'],
  forgeryUnremediedMeasures: ['BRAND_AUTHORIZATION_REVOCATION', 'DELIST_RELATED_ITEMS'],
  secondAppealGraceDays: 7,
  examChancesPerYear: 1,
  examChoiceWindowDays: 15,
  examScenarios: [...EXAM_ELIGIBLE_SCENARIOS],
  depositTopUpDays: 15,
} satisfies Omit<RuleSet, 'version' | 'effectiveFrom' | 'forgery'>;

/** Every rule version, oldest first. They differ in the qualification-forgery rule (section 4). */
export const RULE_SETS: readonly RuleSet[] = [
  { ...COMMON, version: '2019', effectiveFrom: new Date(0), forgery: { kind: 'CLEAR_OUT' } },
  {
    ...COMMON,
    version: '2022-06-27',
    effectiveFrom: shanghaiMidnight('2022-06-27'),
    forgery: {
      kind: 'REMEDIATION',
      remediationWindowDays: 15,
      fineFenByCaseNumber: [5_000 * CNY, 10_000 * CNY],
      unremediedFineFen: 10_000 * CNY,
      terminateFromCaseNumber: 3,
      severeTerminates: true,
    },
  },
];

/** The rule version in force at `occurredAt`. */
export function ruleSetAt(occurredAt: Date, ruleSets: readonly RuleSet[] = RULE_SETS): RuleSet {
  let inForce: RuleSet | undefined;
  for (const ruleSet of ruleSets) if (ruleSet.effectiveFrom.getTime() <= occurredAt.getTime()) inForce = ruleSet;
  if (!inForce) throw new Error(`no rule version in force at ${occurredAt.toISOString()}`);
  return inForce;
}

export function ruleSetOfVersion(version: string, ruleSets: readonly RuleSet[] = RULE_SETS): RuleSet | undefined {
  return ruleSets.find((r) => r.version === version);
}
