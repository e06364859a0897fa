import { addNaturalDays } from './natural-year';
import type { LadderStep, RuleSet } from './rule-set';
import type { MeasureType } from './vocabulary';

export interface LadderDecision {
  /** The node to impose now, if any. */
  impose: LadderStep | null;
  /** Nodes reached by the same change but not imposed (a higher one was). */
  skipped: number[];
}

/**
 * Rulebook section 3: the highest reached node not yet passed this year is imposed; other reached,
 * not-yet-passed nodes are recorded as skipped; a node is never imposed twice in one year.
 */
export function decideLadder(input: { ladder: LadderStep[]; alreadyImposedNodes: number[]; newTotal: number }): LadderDecision {
  const fresh = input.ladder
    .filter((step) => step.node <= input.newTotal && !input.alreadyImposedNodes.includes(step.node))
    .sort((a, b) => a.node - b.node);
  if (fresh.length === 0) return { impose: null, skipped: [] };
  const impose = fresh[fresh.length - 1];
  return { impose, skipped: fresh.slice(0, -1).map((s) => s.node) };
}

export interface PlannedMeasure {
  type: MeasureType;
  startsAt: Date;
  endsAt: Date | null;
}

export interface LadderSanctionPlan {
  node: number;
  measures: PlannedMeasure[];
  fineFen: number | null;
  forfeitsDeposit: boolean;
  appealDeadline: Date;
}

/** The measures, fine and appeal deadline of a node imposed at `decidedAt`. */
export function planLadderSanction(step: LadderStep, decidedAt: Date, ruleSet: RuleSet): LadderSanctionPlan {
  const measures: PlannedMeasure[] = [
    ...step.timedMeasures.map((type) => ({ type, startsAt: decidedAt, endsAt: addNaturalDays(decidedAt, step.timedMeasureDays) })),
    ...(step.marketingBanDays > 0 ? [{ type: 'MARKETING_BAN' as const, startsAt: decidedAt, endsAt: addNaturalDays(decidedAt, step.marketingBanDays) }] : []),
    ...step.oneOffMeasures.map((type) => ({ type, startsAt: decidedAt, endsAt: null })),
  ];
  return {
    node: step.node,
    measures,
    fineFen: step.fineFen,
    forfeitsDeposit: step.forfeitsDeposit,
    appealDeadline: addNaturalDays(decidedAt, ruleSet.appealWindowDays),
  };
}
