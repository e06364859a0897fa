import { DomainError } from './domain-error';
import type { AppliedRule } from './explain-assessment';
import { remediatedFineFen, unremediedOutcome } from './forgery-case';
import type { RuleSet } from './rule-set';
import { planLadderSanction } from './serious-ladder';
import type { MeasureType, Track } from './vocabulary';

/** What a sanction consists of, as its rules give it: measures (with their ends), a fine, an appeal deadline. */
export interface SanctionOutcome {
  measures: { type: MeasureType; endsAt: Date | null }[];
  /** Fen; null: none. A forfeiture takes the whole balance, which the ledger knows, not the rules. */
  fineFen: number | null;
  forfeitsDeposit: boolean;
  appealDeadline: Date | null;
}

export interface SanctionExplanation {
  outcome: SanctionOutcome;
  rules: AppliedRule[];
}

const days = (n: number) => `${n}`;

/**
 * Why a ladder node's sanction is what it is (rulebook sections 3 and 5): the node's step in the
 * track's ladder of the version (measures and their days, marketing ban, one-off acts, fine or
 * forfeiture), the nodes skipped on the way (the highest reached is imposed), the appeal window.
 */
export function explainLadderSanction(input: { track: Track; node: number; skippedNodes: readonly number[]; decidedAt: Date; ruleSet: RuleSet }): SanctionExplanation {
  const { ruleSet } = input;
  const step = ruleSet.ladders[input.track].find((s) => s.node === input.node);
  if (!step) throw new DomainError('RULES.NODE_NOT_IN_LADDER', `Node ${input.node} is not on the ${input.track} ladder of rule version ${ruleSet.version}.`);
  const plan = planLadderSanction(step, input.decidedAt, ruleSet);
  const fine = step.forfeitsDeposit ? { zh: '没收全部保证金', en: 'the whole deposit forfeited' } : step.fineFen === null ? { zh: '无罚款', en: 'no fine' } : { zh: `罚款 ${step.fineFen / 100} 元`, en: `a fine of ${step.fineFen / 100} CNY` };
  const rules: AppliedRule[] = [
    {
      rule: 'LADDER_NODE',
      section: '3',
      values: { track: input.track, node: step.node, timedMeasures: step.timedMeasures, timedMeasureDays: step.timedMeasureDays, marketingBanDays: step.marketingBanDays, oneOffMeasures: step.oneOffMeasures, fineFen: step.fineFen, forfeitsDeposit: step.forfeitsDeposit },
      text: {
        zh: `${input.track === 'SERIOUS' ? '严重违规' : '一般违规'}累计达到 ${step.node} 分：${step.timedMeasures.join('、') || '无限时措施'}${step.timedMeasures.length > 0 ? ` ${days(step.timedMeasureDays)} 天` : ''}${step.marketingBanDays > 0 ? `，禁止参加营销活动 ${step.marketingBanDays} 天` : ''}${step.oneOffMeasures.length > 0 ? `，${step.oneOffMeasures.join('、')}` : ''}，${fine.zh}。`,
        en: `${input.track} points reached ${step.node}: ${step.timedMeasures.join(', ') || 'no timed measures'}${step.timedMeasures.length > 0 ? ` for ${days(step.timedMeasureDays)} days` : ''}${step.marketingBanDays > 0 ? `, a marketing-event ban for ${step.marketingBanDays} days` : ''}${step.oneOffMeasures.length > 0 ? `, ${step.oneOffMeasures.join(', ')}` : ''}; ${fine.en}.`,
      },
    },
  ];
  if (input.skippedNodes.length > 0) {
    rules.push({
      rule: 'SKIPPED_NODES',
      section: '3',
      values: { skippedNodes: [...input.skippedNodes] },
      text: {
        zh: `一次跨过多个节点时只执行最高节点 ${step.node}；跨过的节点 ${input.skippedNodes.join('、')} 记录在案、不再执行。`,
        en: `Several nodes passed at once: only the highest, ${step.node}, is imposed; ${input.skippedNodes.join(', ')} are recorded as skipped and never imposed.`,
      },
    });
  }
  rules.push(appealWindow(ruleSet));
  return {
    outcome: { measures: plan.measures.map((m) => ({ type: m.type, endsAt: m.endsAt })), fineFen: step.forfeitsDeposit ? null : step.fineFen, forfeitsDeposit: step.forfeitsDeposit, appealDeadline: plan.appealDeadline },
    rules,
  };
}

/**
 * Why a forgery case's sanction is what it is (rulebook section 4): cleared out (termination and the
 * deposit), remedied (a fine by the merchant's case number), or not remedied in time (measures and a fine).
 */
export function explainForgerySanction(input: { outcome: 'CLEARED_OUT' | 'REMEDIED' | 'UNREMEDIED'; caseNumber: number; ruleSet: RuleSet }): SanctionExplanation {
  const { ruleSet } = input;
  const rule = ruleSet.forgery;
  if (input.outcome === 'CLEARED_OUT') {
    return {
      outcome: { measures: ruleSet.forgeryClearOutMeasures.map((type) => ({ type, endsAt: null })), fineFen: null, forfeitsDeposit: true, appealDeadline: null },
      rules: [{
        rule: 'FORGERY_CLEAR_OUT', section: '4', values: { forgeryRule: rule.kind, caseNumber: input.caseNumber, measures: ruleSet.forgeryClearOutMeasures },
        text: { zh: `资质造假清退（第 ${input.caseNumber} 次）：${ruleSet.forgeryClearOutMeasures.join('、')}。`, en: `Qualification forgery cleared out (case ${input.caseNumber}): ${ruleSet.forgeryClearOutMeasures.join(', ')}.` },
      }],
    };
  }
  if (input.outcome === 'REMEDIED') {
    const fineFen = remediatedFineFen(input.caseNumber, ruleSet);
    return {
      outcome: { measures: [], fineFen, forfeitsDeposit: false, appealDeadline: null },
      rules: [{
        rule: 'FORGERY_REMEDIED', section: '4', values: { caseNumber: input.caseNumber, fineFenByCaseNumber: rule.kind === 'REMEDIATION' ? rule.fineFenByCaseNumber : [], fineFen },
        text: { zh: `整改通过（第 ${input.caseNumber} 次资质造假）：罚款 ${fineFen / 100} 元。`, en: `Remediation accepted (forgery case ${input.caseNumber}): a fine of ${fineFen / 100} CNY.` },
      }],
    };
  }
  const unremedied = unremediedOutcome(ruleSet);
  return {
    outcome: { measures: unremedied.measures.map((type) => ({ type, endsAt: null })), fineFen: unremedied.fineFen, forfeitsDeposit: false, appealDeadline: null },
    rules: [{
      rule: 'FORGERY_UNREMEDIED', section: '4', values: { measures: unremedied.measures, fineFen: unremedied.fineFen },
      text: { zh: `整改期内未通过：${unremedied.measures.join('、')}，罚款 ${unremedied.fineFen / 100} 元。`, en: `Not remedied within the window: ${unremedied.measures.join(', ')}, a fine of ${unremedied.fineFen / 100} CNY.` },
    }],
  };
}

function appealWindow(ruleSet: RuleSet): AppliedRule {
  return {
    rule: 'APPEAL_WINDOW',
    section: '5',
    values: { appealWindowDays: ruleSet.appealWindowDays },
    text: { zh: `可在决定后 ${ruleSet.appealWindowDays} 个自然日内申诉。`, en: `The decision may be appealed within ${ruleSet.appealWindowDays} natural days.` },
  };
}
