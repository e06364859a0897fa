import {
  decideExamChanceGrant, decideExamChanceRefusal, decideExamChanceUse, decideExamChanceVoid, decideExamResult, EXAM_CHANCE_STATUSES, EXAM_RESULTS,
  examChanceExpiresAt, examChanceStatusAt, examChoiceCloses, type ExamCandidateViolation, type ExamChanceState, type ExamChanceStatus,
} from './exam-chance';
import { naturalYearOf, shanghaiMidnight } from './natural-year';
import { ruleSetOfVersion } from './rule-sets.data';
import { EXAM_ELIGIBLE_SCENARIOS } from './vocabulary';
import { after, codeOf, refusal } from './domain-error.testing';

/**
 * Rulebook section 6, exam instead of penalty: validity to 31 December 24:00 (Asia/Shanghai) of the
 * grant year, one chance per natural year, use only on a scored exam-scenario violation within 15
 * natural days of its decision, the exam result, refusal and voiding. Complements exam-chance.spec.ts.
 */
const v2022 = ruleSetOfVersion('2022-06-27')!;
const v2019 = ruleSetOfVersion('2019')!;

// Rulebook example: the chance was granted in 2023; 2023-10-01 a second AD_INFO of the year, 1 point, item delisted.
const grantedAt = new Date('2023-03-15T09:00:00+08:00');
const chance: ExamChanceState = { status: 'GRANTED', expiresAt: examChanceExpiresAt(grantedAt) };
const secondAdInfo: ExamCandidateViolation = { scenario: 'AD_INFO', points: 1, decidedAt: new Date('2023-10-01T12:00:00+08:00') };
const choiceEnd = new Date('2023-10-16T12:00:00+08:00');
const use = (over: Partial<Parameters<typeof decideExamChanceUse>[0]> = {}) =>
  decideExamChanceUse({ chance, violation: secondAdInfo, now: new Date('2023-10-05T10:00:00+08:00'), ruleSet: v2022, ...over });

describe('vocabulary', () => {
  it('knows the seven chance statuses and the two exam results', () => {
    expect([...EXAM_CHANCE_STATUSES]).toEqual(['GRANTED', 'CHOSEN', 'PASSED', 'FAILED', 'REFUSED', 'VOIDED', 'EXPIRED']);
    expect([...EXAM_RESULTS]).toEqual(['PASSED', 'FAILED']);
  });

  it('takes the five exam scenarios of section 1 under both rule versions', () => {
    const five = ['AD_INFO', 'DUPLICATE_INFO', 'WRONG_DESCRIPTION', 'OTHER_SPAM', 'COPYRIGHT_IMAGE_MISUSE'];
    expect([...EXAM_ELIGIBLE_SCENARIOS].sort()).toEqual([...five].sort());
    expect([...v2022.examScenarios].sort()).toEqual([...five].sort());
    expect([...v2019.examScenarios].sort()).toEqual([...five].sort());
  });
});

describe('validity: the natural year of the grant, to 31 December 24:00 Asia/Shanghai', () => {
  it('a chance granted at 2023-12-31T23:59+08:00 belongs to 2023 and expires a minute later', () => {
    const at = new Date('2023-12-31T23:59:00+08:00');
    expect(naturalYearOf(at)).toBe(2023);
    expect(examChanceExpiresAt(at)).toEqual(new Date('2024-01-01T00:00:00+08:00'));
    expect(examChanceExpiresAt(at)).toEqual(shanghaiMidnight('2024-01-01'));
  });

  it('a chance granted at 2024-01-01T00:10+08:00 belongs to 2024 (still 2023 in UTC) and lasts the whole of 2024', () => {
    const at = new Date('2024-01-01T00:10:00+08:00');
    expect(at.getUTCFullYear()).toBe(2023);
    expect(naturalYearOf(at)).toBe(2024);
    expect(examChanceExpiresAt(at)).toEqual(new Date('2025-01-01T00:00:00+08:00'));
    expect(examChanceExpiresAt(at).toISOString()).toBe('2024-12-31T16:00:00.000Z');
  });

  it.each([
    ['2023-01-01T00:00:00+08:00', '2024-01-01T00:00:00+08:00'],
    ['2022-12-31T16:00:00Z', '2024-01-01T00:00:00+08:00'],
    ['2022-12-31T15:59:59.999Z', '2023-01-01T00:00:00+08:00'],
    ['2023-06-25T10:00:00+08:00', '2024-01-01T00:00:00+08:00'],
    ['2024-02-29T12:00:00+08:00', '2025-01-01T00:00:00+08:00'],
    ['2024-12-31T23:59:59.999+08:00', '2025-01-01T00:00:00+08:00'],
  ])('granted %s expires %s', (at, expires) => {
    expect(examChanceExpiresAt(new Date(at))).toEqual(new Date(expires));
  });

  it('reads a GRANTED chance as GRANTED to the last millisecond of the year and EXPIRED from 1 January 00:00', () => {
    const lastMinute: ExamChanceState = { status: 'GRANTED', expiresAt: examChanceExpiresAt(new Date('2023-12-31T23:59:00+08:00')) };
    expect(examChanceStatusAt(lastMinute, new Date('2023-12-31T23:59:00+08:00'))).toBe('GRANTED');
    expect(examChanceStatusAt(lastMinute, new Date('2023-12-31T23:59:59.999+08:00'))).toBe('GRANTED');
    expect(examChanceStatusAt(lastMinute, new Date('2024-01-01T00:00:00+08:00'))).toBe('EXPIRED');
    expect(examChanceStatusAt(lastMinute, new Date('2024-01-01T00:10:00+08:00'))).toBe('EXPIRED');
  });

  it('keeps a chance granted just after midnight on 1 January valid all year', () => {
    const early: ExamChanceState = { status: 'GRANTED', expiresAt: examChanceExpiresAt(new Date('2024-01-01T00:10:00+08:00')) };
    expect(examChanceStatusAt(early, new Date('2024-07-01T00:00:00+08:00'))).toBe('GRANTED');
    expect(examChanceStatusAt(early, new Date('2024-12-31T23:59:59.999+08:00'))).toBe('GRANTED');
    expect(examChanceStatusAt(early, new Date('2025-01-01T00:00:00+08:00'))).toBe('EXPIRED');
  });

  it.each(EXAM_CHANCE_STATUSES.filter((s) => s !== 'GRANTED'))('never turns a %s chance into EXPIRED (only GRANTED ones expire)', (status) => {
    const state: ExamChanceState = { status, expiresAt: chance.expiresAt };
    expect(examChanceStatusAt(state, new Date('2023-06-01T00:00:00+08:00'))).toBe(status);
    expect(examChanceStatusAt(state, chance.expiresAt)).toBe(status);
    expect(examChanceStatusAt(state, new Date('2030-01-01T00:00:00+08:00'))).toBe(status);
  });
});

describe('grant', () => {
  it('goes to an eligible merchant with no chance yet this natural year', () => {
    expect(decideExamChanceGrant({ eligible: true, grantedThisYear: 0, ruleSet: v2022 })).toBeUndefined();
  });

  it.each([0, 1, 5])('is refused to a merchant not flagged eligible (EXAM.NOT_ELIGIBLE) with %i already this year', (grantedThisYear) => {
    expect(() => decideExamChanceGrant({ eligible: false, grantedThisYear, ruleSet: v2022 })).toThrow(refusal('EXAM.NOT_ELIGIBLE'));
  });

  it.each([1, 2, 10])('is refused once the year\'s one chance is used: %i already granted (EXAM.ALREADY_GRANTED)', (grantedThisYear) => {
    expect(() => decideExamChanceGrant({ eligible: true, grantedThisYear, ruleSet: v2022 })).toThrow(refusal('EXAM.ALREADY_GRANTED'));
  });

  it('holds one chance per natural year by default, under both versions', () => {
    expect(v2022.examChancesPerYear).toBe(1);
    expect(v2019.examChancesPerYear).toBe(1);
  });

  it('follows the rule data for the number per year', () => {
    const two = { ...v2022, examChancesPerYear: 2 };
    expect(() => decideExamChanceGrant({ eligible: true, grantedThisYear: 1, ruleSet: two })).not.toThrow();
    expect(codeOf(() => decideExamChanceGrant({ eligible: true, grantedThisYear: 2, ruleSet: two }))).toBe('EXAM.ALREADY_GRANTED');
    expect(codeOf(() => decideExamChanceGrant({ eligible: true, grantedThisYear: 0, ruleSet: { ...v2022, examChancesPerYear: 0 } }))).toBe('EXAM.ALREADY_GRANTED');
  });
});

describe('use', () => {
  describe('the rulebook example: 2023-10-01 second AD_INFO, 1 point', () => {
    it('may be chosen within 15 natural days of the decision', () => {
      expect(examChoiceCloses(secondAdInfo.decidedAt, v2022)).toEqual(choiceEnd);
      expect(use()).toEqual({ choiceClosesAt: choiceEnd });
    });

    it.each([
      ['at the decision', secondAdInfo.decidedAt],
      ['a week later', new Date('2023-10-08T12:00:00+08:00')],
      ['at the last instant of the 15 days', choiceEnd],
    ])('is taken %s', (_, now) => {
      expect(use({ now })).toEqual({ choiceClosesAt: choiceEnd });
    });

    it.each([
      ['one millisecond after the 15 days', after(choiceEnd)],
      ['a month later', new Date('2023-11-01T12:00:00+08:00')],
    ])('is refused %s (EXAM.CHOICE_WINDOW_CLOSED)', (_, now) => {
      expect(() => use({ now })).toThrow(refusal('EXAM.CHOICE_WINDOW_CLOSED'));
      expect(() => use({ now })).toThrow(/2023-10-16T12:00:00\+08:00/);
    });
  });

  it.each(EXAM_ELIGIBLE_SCENARIOS)('is possible on a scored %s violation', (scenario) => {
    expect(use({ violation: { ...secondAdInfo, scenario } })).toEqual({ choiceClosesAt: choiceEnd });
  });

  it('is possible on a violation scoring more than one point (rule data may change the points)', () => {
    expect(use({ violation: { ...secondAdInfo, points: 3 } })).toEqual({ choiceClosesAt: choiceEnd });
  });

  it('is refused once the chance expired (EXAM.CHANCE_EXPIRED), even inside the choice window', () => {
    const lateDecision: ExamCandidateViolation = { ...secondAdInfo, decidedAt: new Date('2023-12-28T10:00:00+08:00') };
    expect(use({ violation: lateDecision, now: new Date('2023-12-31T23:59:59.999+08:00') })).toEqual({ choiceClosesAt: new Date('2024-01-12T10:00:00+08:00') });
    expect(() => use({ violation: lateDecision, now: new Date('2024-01-01T00:00:00+08:00') })).toThrow(refusal('EXAM.CHANCE_EXPIRED'));
    expect(() => use({ violation: lateDecision, now: new Date('2024-01-01T00:00:00+08:00') })).toThrow(/2024-01-01T00:00:00\+08:00/);
  });

  it('is refused with a chance stored as EXPIRED (EXAM.CHANCE_EXPIRED)', () => {
    expect(() => use({ chance: { ...chance, status: 'EXPIRED' } })).toThrow(refusal('EXAM.CHANCE_EXPIRED'));
  });

  it.each(['CHOSEN', 'PASSED', 'FAILED', 'REFUSED', 'VOIDED'] as const)('is refused with a %s chance (EXAM.CHANCE_NOT_USABLE)', (status) => {
    expect(() => use({ chance: { ...chance, status } })).toThrow(refusal('EXAM.CHANCE_NOT_USABLE'));
  });

  it('is refused on a violation without a scenario (EXAM.SCENARIO_NOT_ELIGIBLE)', () => {
    expect(() => use({ violation: { ...secondAdInfo, scenario: null } })).toThrow(refusal('EXAM.SCENARIO_NOT_ELIGIBLE'));
  });

  it('is refused on a scenario the rule data does not list (EXAM.SCENARIO_NOT_ELIGIBLE)', () => {
    const onlyDuplicates = { ...v2022, examScenarios: ['DUPLICATE_INFO' as const] };
    expect(() => use({ ruleSet: onlyDuplicates })).toThrow(refusal('EXAM.SCENARIO_NOT_ELIGIBLE'));
    expect(use({ ruleSet: onlyDuplicates, violation: { ...secondAdInfo, scenario: 'DUPLICATE_INFO' } })).toEqual({ choiceClosesAt: choiceEnd });
  });

  it('is refused on the first AD_INFO of the year, 0 points under the self-check chance (EXAM.NOTHING_TO_WAIVE)', () => {
    // Section 2 example: 2023-06-25 first AD_INFO of the year, items delisted, 0 points.
    const firstAdInfo: ExamCandidateViolation = { scenario: 'AD_INFO', points: 0, decidedAt: new Date('2023-06-25T10:00:00+08:00') };
    expect(() => use({ violation: firstAdInfo, now: new Date('2023-06-26T10:00:00+08:00') })).toThrow(refusal('EXAM.NOTHING_TO_WAIVE'));
  });

  it('follows the rule data for the choice window', () => {
    const seven = { ...v2022, examChoiceWindowDays: 7 };
    expect(examChoiceCloses(secondAdInfo.decidedAt, seven)).toEqual(new Date('2023-10-08T12:00:00+08:00'));
    expect(codeOf(() => use({ ruleSet: seven, now: new Date('2023-10-09T00:00:00+08:00') }))).toBe('EXAM.CHOICE_WINDOW_CLOSED');
  });

  it('checks the chance before the violation: an unusable chance is the reason given', () => {
    const bad: ExamCandidateViolation = { scenario: null, points: 0, decidedAt: new Date('2023-01-01T00:00:00+08:00') };
    expect(codeOf(() => use({ chance: { ...chance, status: 'VOIDED' }, violation: bad }))).toBe('EXAM.CHANCE_NOT_USABLE');
    expect(codeOf(() => use({ violation: bad }))).toBe('EXAM.SCENARIO_NOT_ELIGIBLE');
    expect(codeOf(() => use({ violation: { ...bad, scenario: 'AD_INFO' } }))).toBe('EXAM.NOTHING_TO_WAIVE');
    expect(codeOf(() => use({ violation: { ...bad, scenario: 'AD_INFO', points: 1 } }))).toBe('EXAM.CHOICE_WINDOW_CLOSED');
  });
});

describe('exam result', () => {
  it('passing waives the violation\'s points (the rulebook example ends at 0 points, item still delisted)', () => {
    expect(decideExamResult({ status: 'CHOSEN', result: 'PASSED' })).toEqual({ status: 'PASSED', waivesPoints: true });
  });

  it('failing waives nothing', () => {
    expect(decideExamResult({ status: 'CHOSEN', result: 'FAILED' })).toEqual({ status: 'FAILED', waivesPoints: false });
  });

  describe.each(EXAM_CHANCE_STATUSES.filter((s) => s !== 'CHOSEN'))('a %s chance', (status) => {
    it.each(EXAM_RESULTS)('takes no %s result (EXAM.NO_EXAM_PENDING)', (result) => {
      expect(() => decideExamResult({ status, result })).toThrow(refusal('EXAM.NO_EXAM_PENDING'));
    });
  });
});

describe('refusal by operators', () => {
  it.each(['GRANTED', 'CHOSEN'] as const)('is possible for a %s chance (not yet decided by an exam)', (status) => {
    expect(decideExamChanceRefusal(status)).toBeUndefined();
  });

  it.each(['PASSED', 'FAILED', 'REFUSED', 'VOIDED', 'EXPIRED'] as const)('is refused for a %s chance (EXAM.CHANCE_NOT_REFUSABLE)', (status) => {
    expect(() => decideExamChanceRefusal(status)).toThrow(refusal('EXAM.CHANCE_NOT_REFUSABLE'));
  });

  it('covers every status', () => {
    const decided = EXAM_CHANCE_STATUSES.filter((s: ExamChanceStatus) => codeOf(() => decideExamChanceRefusal(s)) === undefined);
    expect(decided).toEqual(['GRANTED', 'CHOSEN']);
  });
});

describe('voiding by operators', () => {
  it('restores the waived points of a PASSED chance', () => {
    expect(decideExamChanceVoid('PASSED')).toEqual({ restoresPoints: true });
  });

  it.each(['GRANTED', 'CHOSEN', 'FAILED'] as const)('voids a %s chance with no points to restore', (status) => {
    expect(decideExamChanceVoid(status)).toEqual({ restoresPoints: false });
  });

  it.each(['VOIDED', 'REFUSED', 'EXPIRED'] as const)('is refused for a %s chance (EXAM.CHANCE_ALREADY_ENDED)', (status) => {
    expect(() => decideExamChanceVoid(status)).toThrow(refusal('EXAM.CHANCE_ALREADY_ENDED'));
  });

  it('restores points from PASSED only, across every status', () => {
    const restoring = EXAM_CHANCE_STATUSES.filter((s) => {
      try {
        return decideExamChanceVoid(s).restoresPoints;
      } catch {
        return false;
      }
    });
    expect(restoring).toEqual(['PASSED']);
  });
});

describe('the section 6 example end to end', () => {
  it('grant in 2023, choose on the second AD_INFO within 15 days, pass: points waived; void later: points back', () => {
    expect(() => decideExamChanceGrant({ eligible: true, grantedThisYear: 0, ruleSet: v2022 })).not.toThrow();
    const state: ExamChanceState = { status: 'GRANTED', expiresAt: examChanceExpiresAt(grantedAt) };
    expect(decideExamChanceUse({ chance: state, violation: secondAdInfo, now: new Date('2023-10-10T09:00:00+08:00'), ruleSet: v2022 })).toEqual({ choiceClosesAt: choiceEnd });
    const result = decideExamResult({ status: 'CHOSEN', result: 'PASSED' });
    expect(result).toEqual({ status: 'PASSED', waivesPoints: true });
    // The chance is spent: it can be used no more, refused no more, but voided (restoring the point).
    expect(codeOf(() => decideExamChanceUse({ chance: { ...state, status: result.status }, violation: secondAdInfo, now: new Date('2023-10-11T09:00:00+08:00'), ruleSet: v2022 }))).toBe(
      'EXAM.CHANCE_NOT_USABLE',
    );
    expect(codeOf(() => decideExamChanceRefusal(result.status))).toBe('EXAM.CHANCE_NOT_REFUSABLE');
    expect(decideExamChanceVoid(result.status)).toEqual({ restoresPoints: true });
    // And the year's one chance is taken.
    expect(codeOf(() => decideExamChanceGrant({ eligible: true, grantedThisYear: 1, ruleSet: v2022 }))).toBe('EXAM.ALREADY_GRANTED');
  });
});
