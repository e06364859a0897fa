import { DomainError } from './domain-error';
import { RULE_SETS } from './rule-sets.data';
import type { RuleSet } from './rule-set';
import type { Track } from './vocabulary';

/**
 * Project defaults operators may change (rulebook: "must live in configuration/rule data"): applied
 * on top of every rule version. Ladders replace a track's ladder whole.
 */
export type RuleOverrides = Partial<
  Pick<RuleSet, 'points' | 'pointOverrides' | 'examScenarioPoints' | 'appealWindowDays' | 'secondAppealGraceDays' | 'examChancesPerYear' | 'examChoiceWindowDays' | 'depositTopUpDays'>
> & { ladders?: Partial<RuleSet['ladders']> };

export const OVERRIDABLE_RULES = [
  'points',
  'pointOverrides',
  'examScenarioPoints',
  'appealWindowDays',
  'secondAppealGraceDays',
  'examChancesPerYear',
  'examChoiceWindowDays',
  'depositTopUpDays',
  'ladders',
] as const;

export function applyRuleOverrides(ruleSets: readonly RuleSet[], overrides: RuleOverrides): RuleSet[] {
  return ruleSets.map((ruleSet) => ({
    ...ruleSet,
    ...overrides,
    ladders: { ...ruleSet.ladders, ...(overrides.ladders ?? {}) } as Record<Track, RuleSet['ladders'][Track]>,
  }));
}

/** The rule versions a deployment runs with: the version in force at an instant, or by name. */
export class RuleBook {
  constructor(readonly ruleSets: readonly RuleSet[] = RULE_SETS) {}

  at(instant: Date): RuleSet {
    let inForce: RuleSet | undefined;
    for (const ruleSet of this.ruleSets) if (ruleSet.effectiveFrom.getTime() <= instant.getTime()) inForce = ruleSet;
    if (!inForce) throw new Error(`no rule version in force at ${instant.toISOString()}`);
    return inForce;
  }

  /**
   * A named version. An unknown name is refused (RULES.UNKNOWN_VERSION, never retriable) rather than
   * replaced by the version in force now: a decision must be explained by the rules it names.
   */
  ofVersion(version: string): RuleSet {
    const ruleSet = this.ruleSets.find((r) => r.version === version);
    if (!ruleSet) throw new DomainError('RULES.UNKNOWN_VERSION', `Unknown rule version ${JSON.stringify(version)} (known: ${this.ruleSets.map((r) => r.version).join(', ')}).`);
    return ruleSet;
  }
}
