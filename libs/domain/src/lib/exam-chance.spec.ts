import {
  decideExamChanceGrant, decideExamChanceRefusal, decideExamChanceUse, decideExamChanceVoid, decideExamResult, EXAM_CHANCE_STATUSES,
  examChanceExpiresAt, examChanceStatusAt, examChoiceCloses, examOffersAtGrant, type ExamChanceStatus,
} from './exam-chance';
import { ruleSetOfVersion } from './rule-sets.data';
import { EXAM_ELIGIBLE_SCENARIOS } from './vocabulary';
import { refusal } from './domain-error.testing';

const rules = ruleSetOfVersion('2022-06-27')!;
const granted = { status: 'GRANTED' as const, expiresAt: new Date('2024-01-01T00:00:00+08:00') };
// Rulebook section 6 example: 2023-10-01 a second AD_INFO of the year, 1 point, item delisted.
const secondAdInfo = { scenario: 'AD_INFO' as const, points: 1, decidedAt: new Date('2023-10-01T12:00:00+08:00') };

describe('exam instead of penalty (rulebook section 6)', () => {
  describe('validity: one natural year, ending 31 December 24:00 Asia/Shanghai', () => {
    it.each([
      ['2023-03-15T09:00:00+08:00', '2024-01-01T00:00:00+08:00'],
      ['2023-12-31T23:59:00+08:00', '2024-01-01T00:00:00+08:00'],
      ['2024-01-01T00:10:00+08:00', '2025-01-01T00:00:00+08:00'],
      // 2023-12-31T16:30Z is already 2024-01-01 00:30 in Shanghai.
      ['2023-12-31T16:30:00Z', '2025-01-01T00:00:00+08:00'],
    ])('granted %s expires %s', (grantedAt, expiresAt) => {
      expect(examChanceExpiresAt(new Date(grantedAt))).toEqual(new Date(expiresAt));
    });

    it('reads a granted chance as EXPIRED from its expiry on, and leaves other statuses alone', () => {
      expect(examChanceStatusAt(granted, new Date('2023-12-31T23:59:59+08:00'))).toBe('GRANTED');
      expect(examChanceStatusAt(granted, new Date('2024-01-01T00:00:00+08:00'))).toBe('EXPIRED');
      for (const status of ['CHOSEN', 'PASSED', 'FAILED', 'REFUSED', 'VOIDED'] as const) {
        expect(examChanceStatusAt({ ...granted, status }, new Date('2025-01-01T00:00:00+08:00'))).toBe(status);
      }
    });
  });

  describe('a chance granted after the decision', () => {
    const candidate = (violationId: string, o: Partial<Parameters<typeof examOffersAtGrant>[1][number]> = {}) => ({ violationId, ...secondAdInfo, ruleSet: rules, examChosen: false, ...o });

    it('opens the 15-day choice of each decision it can still be used on, as one held before the decision does', () => {
      // Granted five days after the 2023-10-01 decision: the choice still closes 15 days after the decision.
      const offers = examOffersAtGrant(new Date('2023-10-06T12:00:00+08:00'), [candidate('v-ad')]);
      expect(offers).toEqual([{ violationId: 'v-ad', choiceClosesAt: new Date('2023-10-16T12:00:00+08:00') }]);
      expect(offers[0].choiceClosesAt).toEqual(examChoiceCloses(secondAdInfo.decidedAt, rules));
      // Up to the last instant of the window, not after.
      expect(examOffersAtGrant(new Date('2023-10-16T12:00:00+08:00'), [candidate('v-ad')])).toHaveLength(1);
      expect(examOffersAtGrant(new Date('2023-10-16T12:00:00.001+08:00'), [candidate('v-ad')])).toEqual([]);
    });

    it('offers nothing the chance could not be used on: no exam scenario, no points, an exam already chosen; oldest decision first', () => {
      const grantedAt = new Date('2023-10-05T00:00:00+08:00');
      const offers = examOffersAtGrant(grantedAt, [
        candidate('v-late', { decidedAt: new Date('2023-10-03T12:00:00+08:00') }),
        candidate('v-no-scenario', { scenario: null }),
        candidate('v-self-check', { points: 0 }),
        candidate('v-chosen', { examChosen: true }),
        candidate('v-first'),
      ]);
      expect(offers.map((o) => o.violationId)).toEqual(['v-first', 'v-late']);
      expect(examOffersAtGrant(grantedAt, [candidate('v-narrow', { ruleSet: { ...rules, examScenarios: ['DUPLICATE_INFO'] } })])).toEqual([]);
    });
  });

  describe('grant', () => {
    it('goes to eligible merchants, one per natural year (project default)', () => {
      expect(() => decideExamChanceGrant({ eligible: true, grantedThisYear: 0, ruleSet: rules })).not.toThrow();
      expect(() => decideExamChanceGrant({ eligible: true, grantedThisYear: 1, ruleSet: rules })).toThrow(refusal('EXAM.ALREADY_GRANTED'));
      expect(() => decideExamChanceGrant({ eligible: false, grantedThisYear: 0, ruleSet: rules })).toThrow(refusal('EXAM.NOT_ELIGIBLE'));
    });

    it('follows the rule data for the number per year', () => {
      expect(() => decideExamChanceGrant({ eligible: true, grantedThisYear: 1, ruleSet: { ...rules, examChancesPerYear: 2 } })).not.toThrow();
    });
  });

  describe('use', () => {
    it('takes the rulebook example within 15 natural days of the decision, to the last instant', () => {
      const choiceClosesAt = new Date('2023-10-16T12:00:00+08:00');
      expect(examChoiceCloses(secondAdInfo.decidedAt, rules)).toEqual(choiceClosesAt);
      expect(decideExamChanceUse({ chance: granted, violation: secondAdInfo, now: choiceClosesAt, ruleSet: rules })).toEqual({ choiceClosesAt });
      expect(() => decideExamChanceUse({ chance: granted, violation: secondAdInfo, now: new Date(choiceClosesAt.getTime() + 1), ruleSet: rules })).toThrow(refusal('EXAM.CHOICE_WINDOW_CLOSED'));
    });

    it.each(EXAM_ELIGIBLE_SCENARIOS)('is possible for the scenario %s', (scenario) => {
      expect(() => decideExamChanceUse({ chance: granted, violation: { ...secondAdInfo, scenario }, now: secondAdInfo.decidedAt, ruleSet: rules })).not.toThrow();
    });

    it('is refused for a violation without an exam scenario', () => {
      expect(() => decideExamChanceUse({ chance: granted, violation: { ...secondAdInfo, scenario: null }, now: secondAdInfo.decidedAt, ruleSet: rules })).toThrow(refusal('EXAM.SCENARIO_NOT_ELIGIBLE'));
      expect(() => decideExamChanceUse({ chance: granted, violation: secondAdInfo, now: secondAdInfo.decidedAt, ruleSet: { ...rules, examScenarios: ['DUPLICATE_INFO'] } })).toThrow(refusal('EXAM.SCENARIO_NOT_ELIGIBLE'));
    });

    it('is refused for a violation that scored nothing (the self-check chance already costs nothing)', () => {
      expect(() => decideExamChanceUse({ chance: granted, violation: { ...secondAdInfo, points: 0 }, now: secondAdInfo.decidedAt, ruleSet: rules })).toThrow(refusal('EXAM.NOTHING_TO_WAIVE'));
    });

    it('is refused with an expired chance', () => {
      const lateDecision = { ...secondAdInfo, decidedAt: new Date('2023-12-30T12:00:00+08:00') };
      expect(() => decideExamChanceUse({ chance: granted, violation: lateDecision, now: new Date('2024-01-02T00:00:00+08:00'), ruleSet: rules })).toThrow(refusal('EXAM.CHANCE_EXPIRED'));
    });

    it.each(['CHOSEN', 'PASSED', 'FAILED', 'REFUSED', 'VOIDED'] as const)('is refused with a %s chance', (status) => {
      expect(() => decideExamChanceUse({ chance: { ...granted, status }, violation: secondAdInfo, now: secondAdInfo.decidedAt, ruleSet: rules })).toThrow(refusal('EXAM.CHANCE_NOT_USABLE'));
    });
  });

  describe('result', () => {
    it('passing waives the points (item handling is not the exam\'s to undo); failing does not', () => {
      expect(decideExamResult({ status: 'CHOSEN', result: 'PASSED' })).toEqual({ status: 'PASSED', waivesPoints: true });
      expect(decideExamResult({ status: 'CHOSEN', result: 'FAILED' })).toEqual({ status: 'FAILED', waivesPoints: false });
    });

    it.each(EXAM_CHANCE_STATUSES.filter((s) => s !== 'CHOSEN'))('is recorded only for a chosen chance, not a %s one', (status) => {
      expect(() => decideExamResult({ status, result: 'PASSED' })).toThrow(refusal('EXAM.NO_EXAM_PENDING'));
    });
  });

  describe('refusal and voiding by operators', () => {
    const expectRefusal = (status: ExamChanceStatus, allowed: boolean) =>
      allowed ? expect(() => decideExamChanceRefusal(status)).not.toThrow() : expect(() => decideExamChanceRefusal(status)).toThrow(refusal('EXAM.CHANCE_NOT_REFUSABLE'));

    it('refuses a chance not yet decided by an exam only', () => {
      for (const status of EXAM_CHANCE_STATUSES) expectRefusal(status, status === 'GRANTED' || status === 'CHOSEN');
    });

    it('voids a chance at any point before it ends; voiding a passed one restores the points', () => {
      expect(decideExamChanceVoid('PASSED')).toEqual({ restoresPoints: true });
      for (const status of ['GRANTED', 'CHOSEN', 'FAILED'] as const) expect(decideExamChanceVoid(status)).toEqual({ restoresPoints: false });
      for (const status of ['VOIDED', 'REFUSED', 'EXPIRED'] as const) expect(() => decideExamChanceVoid(status)).toThrow(refusal('EXAM.CHANCE_ALREADY_ENDED'));
    });
  });
});
