import { formatShanghai } from '../natural-year';
import { applyRuleOverrides, type RuleOverrides } from '../rule-overrides';
import type { RuleSet } from '../rule-set';
import { RULE_SETS } from '../rule-sets.data';
import { contentHashOf } from './canonical-json';
import { DEFAULT_DEPOSIT_RULE_DATA, ruleDataOf, type DepositRuleData } from './rule-data';
import { validateRuleData } from './rule-data-validation';
import { RulebookError } from './rulebook-error';
import { MARKETPLACE_PATTERN, type RulebookVersion } from './rulebook-version';

/** Project default marketplace of a deployment that names none (section 9: every marketplace starts with the rules of the rulebook file). */
export const DEFAULT_MARKETPLACE = 'tmall';

const SEED_AUTHOR = 'seed';

/** The Shanghai calendar date of an instant (YYYY-MM-DD). */
const shanghaiDateOf = (instant: Date) => formatShanghai(instant).slice(0, 10);

/**
 * The built-in versions (`2019`, `2022-06-27`) of a marketplace as rulebook versions in force, with a
 * deployment's RULE_OVERRIDES applied to every one of them, as the services apply them today
 * (applyRuleOverrides): so a decision made before rule versions became data, which names `2019` or
 * `2022-06-27`, is explained by exactly the rules it was made with. Overrides therefore change the seed
 * versions' content hashes, never their names. The rule data after the overrides is validated as a
 * whole (RULEBOOK.INVALID_RULE_DATA naming each field). `at` is the seeding time (createdAt).
 */
export function seedVersions(input: {
  marketplace?: string;
  overrides?: RuleOverrides;
  deposit?: DepositRuleData;
  ruleSets?: readonly RuleSet[];
  at?: Date;
}): RulebookVersion[] {
  const marketplace = input.marketplace ?? DEFAULT_MARKETPLACE;
  if (!MARKETPLACE_PATTERN.test(marketplace)) throw new RulebookError('RULEBOOK.INVALID_VERSION', `marketplace must be 1-32 characters of a-z, 0-9 and -, not ${JSON.stringify(marketplace)}.`);
  const ruleSets = applyRuleOverrides(input.ruleSets ?? RULE_SETS, input.overrides ?? {});
  const at = input.at ?? new Date(0);
  return ruleSets.map((ruleSet) => {
    const ruleData = structuredClone(ruleDataOf(ruleSet, input.deposit ?? DEFAULT_DEPOSIT_RULE_DATA));
    const problems = validateRuleData(ruleData);
    if (problems.length > 0) {
      throw new RulebookError('RULEBOOK.INVALID_RULE_DATA', `Seed version ${ruleSet.version} with the overrides has ${problems.length} problem(s): ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}.`, problems);
    }
    return {
      marketplace,
      versionId: ruleSet.version,
      effectiveFrom: shanghaiDateOf(ruleSet.effectiveFrom),
      ruleData,
      contentHash: contentHashOf(ruleData),
      status: 'IN_FORCE',
      origin: 'SEED',
      author: SEED_AUTHOR,
      contributors: [],
      approver: SEED_AUTHOR,
      leadTimeDays: 0,
      basedOn: null,
      createdAt: at,
      updatedAt: at,
      approvedAt: at,
      announcedAt: null,
      withdrawnAt: null,
      withdrawnBy: null,
      withdrawalReason: null,
    };
  });
}
