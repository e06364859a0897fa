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

  /** A named version, or the one in force at `fallbackAt` when the name is unknown. */
  ofVersion(version: string, fallbackAt: Date): RuleSet {
    return this.ruleSets.find((r) => r.version === version) ?? this.at(fallbackAt);
  }
}
