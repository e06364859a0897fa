import type { LadderStep, RuleSet } from './rule-set';
import { MEASURE_TYPES, TRACKS, type Track } from './vocabulary';

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

/**
 * What is wrong with ladders given as rule data (section 3), one line per problem; none when they are
 * usable. A node is a positive integer point total, once per ladder (its sanctions name it:
 * cause.node), measures are the contract's, days and fines non-negative integers (fines in fen).
 */
export function ladderProblems(ladders: unknown): string[] {
  if (typeof ladders !== 'object' || ladders === null || Array.isArray(ladders)) return ['ladders: must be an object of tracks'];
  const problems: string[] = [];
  const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  for (const [track, ladder] of Object.entries(ladders)) {
    const at = `ladders.${track}`;
    if (!(TRACKS as readonly string[]).includes(track)) {
      problems.push(`${at}: unknown track (known: ${TRACKS.join(', ')})`);
      continue;
    }
    if (!Array.isArray(ladder)) {
      problems.push(`${at}: must be an array of nodes`);
      continue;
    }
    const seen = new Set<unknown>();
    ladder.forEach((step: Partial<Record<keyof LadderStep, unknown>> | null, i) => {
      const here = `${at}[${i}]`;
      if (typeof step !== 'object' || step === null) return problems.push(`${here}: must be an object`);
      if (!Number.isSafeInteger(step.node) || (step.node as number) < 1) problems.push(`${here}.node: must be a positive integer`);
      else if (seen.has(step.node)) problems.push(`${here}.node: ${String(step.node)} appears twice`);
      seen.add(step.node);
      for (const field of ['timedMeasures', 'oneOffMeasures'] as const) {
        const measures = step[field];
        if (!Array.isArray(measures) || measures.some((m) => !(MEASURE_TYPES as readonly unknown[]).includes(m))) problems.push(`${here}.${field}: must be an array of ${MEASURE_TYPES.join(', ')}`);
      }
      for (const field of ['timedMeasureDays', 'marketingBanDays'] as const) if (!isCount(step[field])) problems.push(`${here}.${field}: must be a non-negative integer`);
      if (step.fineFen !== null && !isCount(step.fineFen)) problems.push(`${here}.fineFen: must be null or a non-negative integer (fen)`);
      if (typeof step.forfeitsDeposit !== 'boolean') problems.push(`${here}.forfeitsDeposit: must be true or false`);
      return undefined;
    });
  }
  return problems;
}

export function applyRuleOverrides(ruleSets: readonly RuleSet[], overrides: RuleOverrides): RuleSet[] {
  return ruleSets.map((ruleSet) => ({
    ...ruleSet,
    ...overrides,
    ladders: { ...ruleSet.ladders, ...(overrides.ladders ?? {}) } as Record<Track, RuleSet['ladders'][Track]>,
  }));
}
