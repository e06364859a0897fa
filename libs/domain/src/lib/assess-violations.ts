import { assessViolation, type Assessment, type ViolationFacts } from './assess-violation';
import { DomainError } from './domain-error';
import { examChoiceCloses } from './exam-chance';
import { naturalYearOf } from './natural-year';
import type { RuleSet } from './rule-set';
import type { Scenario } from './vocabulary';

export interface Totals {
  general: number;
  serious: number;
}

export interface ViolationToAssess extends ViolationFacts {
  violationId: string;
  merchantId: string;
}

/** What is known of the batch's merchants before it: read set-wise by the caller. */
export interface PointsHistory {
  /** Violation ids assessed before (a repeat under another event id changes nothing). */
  knownViolations: ReadonlySet<string>;
  /** Totals per `totalsKey(merchantId, naturalYear)`; missing means none yet. */
  totals: ReadonlyMap<string, Totals>;
  /** `scenarioKey(merchantId, naturalYear, scenario)` of the scenarios already assessed. */
  scenariosSeen: ReadonlySet<string>;
}

export const totalsKey = (merchantId: string, naturalYear: number) => `${merchantId}|${naturalYear}`;
export const scenarioKey = (merchantId: string, naturalYear: number, scenario: Scenario) => `${merchantId}|${naturalYear}|${scenario}`;

export type AssessmentOutcome<V extends ViolationToAssess = ViolationToAssess> =
  | { kind: 'ASSESSED'; violation: V; assessment: Assessment; totals: Totals }
  | { kind: 'DUPLICATE'; violation: V }
  | { kind: 'REJECTED'; violation: V; error: DomainError };

/**
 * Sections 1 and 2 over a batch: each violation in order, under the rule version in force at its
 * occurredAt, each seeing the totals and scenarios of those before it (a merchant's second violation
 * of a batch counts on top of the first; the first AD_INFO of a year in the batch takes the
 * self-check chance). A violationId seen before, or earlier in the batch, is a duplicate; a violation
 * the rules refuse is rejected alone. Answers each outcome and the totals after the batch.
 */
export function assessViolations<V extends ViolationToAssess>(
  violations: readonly V[],
  history: PointsHistory,
  /** The version that judges a violation: in force at its occurredAt (for its marketplace, which the caller knows from `violation`). */
  ruleSetAt: (occurredAt: Date, violation: V) => RuleSet,
): { outcomes: AssessmentOutcome<V>[]; totals: Map<string, Totals> } {
  const known = new Set(history.knownViolations);
  const seen = new Set(history.scenariosSeen);
  const totals = new Map([...history.totals].map(([key, t]) => [key, { ...t }]));
  const outcomes: AssessmentOutcome<V>[] = [];
  for (const violation of violations) {
    if (known.has(violation.violationId)) {
      outcomes.push({ kind: 'DUPLICATE', violation });
      continue;
    }
    const year = naturalYearOf(violation.occurredAt);
    const scenario = violation.scenario ?? null;
    let assessment: Assessment;
    try {
      assessment = assessViolation(violation, { scenarioAlreadySeenThisYear: scenario !== null && seen.has(scenarioKey(violation.merchantId, year, scenario)) }, ruleSetAt(violation.occurredAt, violation));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes.push({ kind: 'REJECTED', violation, error });
      continue;
    }
    known.add(violation.violationId);
    if (scenario) seen.add(scenarioKey(violation.merchantId, year, scenario));
    const key = totalsKey(violation.merchantId, year);
    const before = totals.get(key) ?? { general: 0, serious: 0 };
    const after = assessment.track === 'SERIOUS' ? { ...before, serious: before.serious + assessment.points } : { ...before, general: before.general + assessment.points };
    totals.set(key, after);
    outcomes.push({ kind: 'ASSESSED', violation, assessment, totals: after });
  }
  return { outcomes, totals };
}

/**
 * Section 6: a violation that may use the merchant's exam chance (an exam scenario of its rule
 * version, and it scored) opens the choice until the window closes; null when it does not.
 */
export function examOfferOf(input: { scenario: Scenario | null; points: number; decidedAt: Date; ruleSet: RuleSet }): { choiceClosesAt: Date } | null {
  if (!input.scenario || input.points === 0 || !input.ruleSet.examScenarios.includes(input.scenario)) return null;
  return { choiceClosesAt: examChoiceCloses(input.decidedAt, input.ruleSet) };
}
