import { assessViolation, type Assessment, type ViolationFacts } from './assess-violation';
import { CATALOGUE, SCENARIOS, trackOf } from './catalogue';
import type { RuleSet } from './rule-set';

/** A rule cell that applied to a decision, with where the rulebook says it and what it says, in both languages. */
export interface AppliedRule {
  /** Which cell: POINTLESS_CODE, EXAM_SCENARIO_POINTS, POINT_OVERRIDE, POINTS_TABLE, SELF_CHECK, NO_SELF_CHECK. */
  rule: string;
  /** The rulebook section (../shared/domain/rules.md). */
  section: string;
  /** The cell's values in the version applied. */
  values: Record<string, unknown>;
  text: { zh: string; en: string };
}

export interface AssessmentExplanation {
  outcome: Assessment;
  rules: AppliedRule[];
}

/**
 * Why a violation counts for the points it does under `ruleSet` (rulebook sections 1, 2 and 6): the
 * points cell that applied (a code without points, the exam-scenario points, a code's own cell, or the
 * table of its track), then the self-check chance, taken or not and why. Pure: the outcome is
 * assessViolation's, so explaining also reproduces the decision.
 */
export function explainAssessment(v: ViolationFacts, history: { scenarioAlreadySeenThisYear: boolean }, ruleSet: RuleSet): AssessmentExplanation {
  const outcome = assessViolation(v, history, ruleSet);
  const track = trackOf(v.code);
  const name = CATALOGUE[v.code];
  const scenario = v.scenario ?? null;
  const rules: AppliedRule[] = [];
  const override = ruleSet.pointOverrides[v.code]?.[v.severity];
  if (ruleSet.pointlessCodes.includes(v.code)) {
    rules.push({
      rule: 'POINTLESS_CODE', section: '1', values: { code: v.code, points: 0 },
      text: { zh: `${name.zh}（${v.code}）不计分，按其专门规则处理。`, en: `${name.en} (${v.code}) carries no points; its own rule handles it.` },
    });
  } else if (scenario) {
    rules.push({
      rule: 'EXAM_SCENARIO_POINTS', section: '1, 6', values: { scenario, points: ruleSet.examScenarioPoints },
      text: {
        zh: `场景 ${scenario}（${SCENARIOS[scenario].code}）的违规，无论严重程度，每次计 ${ruleSet.examScenarioPoints} 分。`,
        en: `A violation in scenario ${scenario} (${SCENARIOS[scenario].code}) counts ${ruleSet.examScenarioPoints} point(s) whatever its severity.`,
      },
    });
  } else if (override !== undefined) {
    rules.push({
      rule: 'POINT_OVERRIDE', section: '1', values: { code: v.code, severity: v.severity, points: override },
      text: { zh: `${name.zh}（${v.code}）${v.severity} 计 ${override} 分（该违规自有的分值）。`, en: `${name.en} (${v.code}), ${v.severity}: ${override} point(s), the code's own cell.` },
    });
  } else {
    rules.push({
      rule: 'POINTS_TABLE', section: '1', values: { track, severity: v.severity, points: ruleSet.points[track][v.severity] },
      text: {
        zh: `${name.zh}（${v.code}）属于${track === 'SERIOUS' ? '严重违规' : '一般违规'}，${v.severity} 计 ${ruleSet.points[track][v.severity]} 分。`,
        en: `${name.en} (${v.code}) is a ${track} violation; ${v.severity} counts ${ruleSet.points[track][v.severity]} point(s).`,
      },
    });
  }
  if (scenario && ruleSet.selfCheckScenarios.includes(scenario)) {
    rules.push(
      outcome.waiver === 'SELF_CHECK'
        ? {
            rule: 'SELF_CHECK', section: '2', values: { scenario, naturalYear: outcome.naturalYear, points: 0 },
            text: { zh: `自然年 ${outcome.naturalYear} 内该场景的首次违规：使用自检自查机会，不扣分。`, en: `The first violation of this scenario in natural year ${outcome.naturalYear}: the self-check chance applies, no points.` },
          }
        : {
            rule: 'NO_SELF_CHECK', section: '2', values: { scenario, naturalYear: outcome.naturalYear },
            text: { zh: `自然年 ${outcome.naturalYear} 内该场景已有违规，自检自查机会已用过，照常扣分。`, en: `Natural year ${outcome.naturalYear} already had a violation of this scenario: the self-check chance was used, the points count.` },
          },
    );
  }
  return { outcome, rules };
}
