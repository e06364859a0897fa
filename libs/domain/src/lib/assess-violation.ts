import { SCENARIOS, trackOf } from './catalogue';
import { DomainError } from './domain-error';
import { naturalYearOf } from './natural-year';
import type { RuleSet } from './rule-set';
import type { Scenario, Severity, Track, ViolationCode } from './vocabulary';

export interface ViolationFacts {
  code: ViolationCode;
  severity: Severity;
  scenario?: Scenario | null;
  occurredAt: Date;
}

export interface ViolationHistory {
  /** A violation of the same scenario was already assessed for this merchant in the same natural year. */
  scenarioAlreadySeenThisYear: boolean;
}

export interface Assessment {
  track: Track;
  naturalYear: number;
  ruleVersion: string;
  /** What the rule data says the violation is worth. */
  basePoints: number;
  /** What it counts for now. */
  points: number;
  waiver: 'SELF_CHECK' | null;
  /** Carries an exam-eligible scenario (section 6 may later waive its points). */
  examEligible: boolean;
}

/** Rulebook sections 1 and 2: the points a violation counts for under `ruleSet`. */
export function assessViolation(v: ViolationFacts, history: ViolationHistory, ruleSet: RuleSet): Assessment {
  const track = trackOf(v.code);
  const scenario = v.scenario ?? null;
  if (scenario && SCENARIOS[scenario].code !== v.code) {
    throw new DomainError(
      'VIOLATION.SCENARIO_CODE_MISMATCH',
      `scenario ${scenario} belongs under ${SCENARIOS[scenario].code}, not ${v.code}`,
    );
  }
  const basePoints = ruleSet.pointlessCodes.includes(v.code)
    ? 0
    : scenario
      ? ruleSet.examScenarioPoints
      : (ruleSet.pointOverrides[v.code]?.[v.severity] ?? ruleSet.points[track][v.severity]);
  const selfCheck = scenario !== null && ruleSet.selfCheckScenarios.includes(scenario) && !history.scenarioAlreadySeenThisYear;
  return {
    track,
    naturalYear: naturalYearOf(v.occurredAt),
    ruleVersion: ruleSet.version,
    basePoints,
    points: selfCheck ? 0 : basePoints,
    waiver: selfCheck ? 'SELF_CHECK' : null,
    examEligible: scenario !== null,
  };
}
