import { DomainError } from './domain-error';
import { addNaturalDays, endOfNaturalYear, formatShanghai, naturalYearOf } from './natural-year';
import type { RuleSet } from './rule-set';
import type { Scenario } from './vocabulary';

/**
 * Section 6, the life of an exam-instead-of-penalty chance: GRANTED, then CHOSEN for one violation
 * (exam pending), then PASSED (points waived) or FAILED. Operators may REFUSE a chance not yet decided
 * by an exam, or VOID it at any point before it ends (voiding a PASSED chance restores the points).
 * A GRANTED chance past 31 December 24:00 of its year reads as EXPIRED.
 */
export const EXAM_CHANCE_STATUSES = ['GRANTED', 'CHOSEN', 'PASSED', 'FAILED', 'REFUSED', 'VOIDED', 'EXPIRED'] as const;
export type ExamChanceStatus = (typeof EXAM_CHANCE_STATUSES)[number];

export const EXAM_RESULTS = ['PASSED', 'FAILED'] as const;
export type ExamResult = (typeof EXAM_RESULTS)[number];

export interface ExamChanceState {
  status: ExamChanceStatus;
  expiresAt: Date;
}

/** A chance is valid for the natural year it was granted in: it ends 31 December 24:00 Asia/Shanghai. */
export function examChanceExpiresAt(grantedAt: Date): Date {
  return endOfNaturalYear(naturalYearOf(grantedAt));
}

/** The status as of `now`: a chance granted but never chosen expires with its year. */
export function examChanceStatusAt(chance: ExamChanceState, now: Date): ExamChanceStatus {
  return chance.status === 'GRANTED' && now.getTime() >= chance.expiresAt.getTime() ? 'EXPIRED' : chance.status;
}

/** Only merchants flagged eligible get a chance, and no more than the rule data's number per natural year. */
export function decideExamChanceGrant(input: { eligible: boolean; grantedThisYear: number; ruleSet: RuleSet }): void {
  if (!input.eligible) throw new DomainError('EXAM.NOT_ELIGIBLE', 'The merchant is not flagged eligible for exam-instead-of-penalty.');
  if (input.grantedThisYear >= input.ruleSet.examChancesPerYear) {
    throw new DomainError('EXAM.ALREADY_GRANTED', `The merchant already holds ${input.ruleSet.examChancesPerYear} chance(s) this natural year.`);
  }
}

/** The violation a merchant wants to use the chance on, as the scoring service assessed it. */
export interface ExamCandidateViolation {
  scenario: Scenario | null;
  points: number;
  /** When the points were decided; the choice window runs from here. */
  decidedAt: Date;
}

/** The last moment the merchant may choose to use a chance on a decision. */
export function examChoiceCloses(decidedAt: Date, ruleSet: RuleSet): Date {
  return addNaturalDays(decidedAt, ruleSet.examChoiceWindowDays);
}

/** A decided violation of the merchant that a newly granted chance might be used on. */
export interface ExamOfferCandidate extends ExamCandidateViolation {
  violationId: string;
  /** The rule version it was decided under (its scenarios and choice window). */
  ruleSet: RuleSet;
  /** An exam was already chosen for it (with another chance): nothing more to offer. */
  examChosen: boolean;
}

/**
 * Section 6: a chance granted after a decision opens that decision's exam choice as one held before
 * it does ("within 15 natural days of the decision"): every violation the chance could be used on at
 * `grantedAt` (an exam scenario, points counted, no exam chosen yet, its window still open) is
 * offered, with the window of its decision. Oldest decision first.
 */
export function examOffersAtGrant(grantedAt: Date, candidates: readonly ExamOfferCandidate[]): { violationId: string; choiceClosesAt: Date }[] {
  return candidates
    .filter((c) => !c.examChosen && c.points > 0 && c.scenario !== null && c.ruleSet.examScenarios.includes(c.scenario))
    .map((c) => ({ violationId: c.violationId, decidedAt: c.decidedAt, choiceClosesAt: examChoiceCloses(c.decidedAt, c.ruleSet) }))
    .filter((o) => o.choiceClosesAt.getTime() >= grantedAt.getTime())
    .sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime() || (a.violationId < b.violationId ? -1 : a.violationId > b.violationId ? 1 : 0))
    .map(({ violationId, choiceClosesAt }) => ({ violationId, choiceClosesAt }));
}

/**
 * May the merchant use this chance on this violation now? Only the exam scenarios, only a violation
 * that scored, only within the choice window, and only with a chance still GRANTED and unexpired.
 */
export function decideExamChanceUse(input: { chance: ExamChanceState; violation: ExamCandidateViolation; now: Date; ruleSet: RuleSet }): { choiceClosesAt: Date } {
  const { chance, violation, now, ruleSet } = input;
  const status = examChanceStatusAt(chance, now);
  if (status === 'EXPIRED') throw new DomainError('EXAM.CHANCE_EXPIRED', `The chance expired at ${formatShanghai(chance.expiresAt)}.`);
  if (status !== 'GRANTED') throw new DomainError('EXAM.CHANCE_NOT_USABLE', `The chance is ${status} and cannot be used.`);
  if (!violation.scenario || !ruleSet.examScenarios.includes(violation.scenario)) {
    throw new DomainError('EXAM.SCENARIO_NOT_ELIGIBLE', `Only violations of the scenarios ${ruleSet.examScenarios.join(', ')} can be waived by an exam.`);
  }
  if (violation.points === 0) throw new DomainError('EXAM.NOTHING_TO_WAIVE', 'The violation counts for no points (self-check chance or already waived).');
  const choiceClosesAt = examChoiceCloses(violation.decidedAt, ruleSet);
  if (now.getTime() > choiceClosesAt.getTime()) throw new DomainError('EXAM.CHOICE_WINDOW_CLOSED', `The choice window closed at ${formatShanghai(choiceClosesAt)}.`);
  return { choiceClosesAt };
}

/** The exam result of a CHOSEN chance: passing waives the violation's points; item handling stays. */
export function decideExamResult(input: { status: ExamChanceStatus; result: ExamResult }): { status: ExamResult; waivesPoints: boolean } {
  if (input.status !== 'CHOSEN') throw new DomainError('EXAM.NO_EXAM_PENDING', `The chance is ${input.status}; a result is recorded only for a chosen chance.`);
  return { status: input.result, waivesPoints: input.result === 'PASSED' };
}

/** Operators refuse a chance not yet decided by an exam; the merchant cannot use it any more. */
export function decideExamChanceRefusal(status: ExamChanceStatus): void {
  if (status !== 'GRANTED' && status !== 'CHOSEN') throw new DomainError('EXAM.CHANCE_NOT_REFUSABLE', `A ${status} chance cannot be refused.`);
}

/** Operators void a chance; voiding a PASSED one restores the points it waived. */
export function decideExamChanceVoid(status: ExamChanceStatus): { restoresPoints: boolean } {
  if (status === 'VOIDED' || status === 'REFUSED' || status === 'EXPIRED') throw new DomainError('EXAM.CHANCE_ALREADY_ENDED', `A ${status} chance cannot be voided.`);
  return { restoresPoints: status === 'PASSED' };
}
