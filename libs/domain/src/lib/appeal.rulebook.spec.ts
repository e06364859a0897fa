import {
  APPEAL_DECISIONS, APPEAL_REJECTION_REASONS, APPEAL_STATUSES, APPEAL_SUBJECT_KINDS, appealWindowCloses, decideAppealFiling, decideAppealReview, secondAppealCloses,
  type AppealRejectionReason, type FiledAppeal,
} from './appeal';
import { DomainError } from './domain-error';
import { addNaturalDays, formatShanghai, shanghaiMidnight } from './natural-year';
import { ruleSetOfVersion } from './rule-sets.data';
import { after, codeOf, refusal } from './domain-error.testing';

// Evidence no earlier appeal carried.
const FRESH = [{ sha256: 'f'.repeat(64) }];

/**
 * Rulebook section 5, boundaries and precedence: the 15-natural-day window (project default), the one
 * second appeal after a rejection (original window or 7 days after the rejection, whichever is later),
 * the refusals and the reviewer's reasons. Complements appeal.spec.ts.
 */
const v2022 = ruleSetOfVersion('2022-06-27')!;
const v2019 = ruleSetOfVersion('2019')!;

// The section 6 example date, at noon Shanghai time.
const decidedAt = new Date('2023-10-01T12:00:00+08:00');
const windowEnd = new Date('2023-10-16T12:00:00+08:00');
const rejected = (at: string | Date | null): FiledAppeal => ({ round: 1, status: 'REJECTED', decidedAt: at === null ? null : new Date(at) });

describe('appeal vocabulary (section 5)', () => {
  it('lets a merchant appeal points, a sanction or a forgery case', () => {
    expect([...APPEAL_SUBJECT_KINDS]).toEqual(['PENALTY', 'SANCTION', 'FORGERY_CASE']);
  });

  it('has a pending state and the two decisions a reviewer takes', () => {
    expect([...APPEAL_STATUSES]).toEqual(['PENDING', 'ACCEPTED', 'REJECTED']);
    expect([...APPEAL_DECISIONS]).toEqual(['ACCEPTED', 'REJECTED']);
  });

  it('lists the five reasons the source gives for a failed appeal, each once', () => {
    expect(APPEAL_REJECTION_REASONS).toHaveLength(5);
    expect(new Set(APPEAL_REJECTION_REASONS).size).toBe(5);
    expect([...APPEAL_REJECTION_REASONS].sort()).toEqual(['IP_DISPUTE_UNRESOLVED', 'MATERIALS_INCOMPLETE', 'MATERIALS_NOT_GENUINE', 'RULES_MISUNDERSTOOD', 'WINDOW_MISSED']);
  });
});

describe('the appeal window: 15 natural days from the decision', () => {
  it('closes exactly 15 × 24 h after the decision, at the same Shanghai wall-clock time', () => {
    expect(appealWindowCloses(decidedAt, v2022)).toEqual(windowEnd);
    expect(appealWindowCloses(decidedAt, v2022).getTime() - decidedAt.getTime()).toBe(15 * 24 * 3600 * 1000);
    expect(formatShanghai(appealWindowCloses(decidedAt, v2022))).toBe('2023-10-16T12:00:00+08:00');
  });

  it('is the same under both rule versions (only the forgery rule differs)', () => {
    expect(appealWindowCloses(decidedAt, v2019)).toEqual(appealWindowCloses(decidedAt, v2022));
  });

  it.each([
    // Across a month end, a year end and 29 February.
    ['2023-08-20T09:00:00+08:00', '2023-09-04T09:00:00+08:00'],
    ['2023-12-20T23:30:00+08:00', '2024-01-04T23:30:00+08:00'],
    ['2024-02-20T00:00:00+08:00', '2024-03-06T00:00:00+08:00'],
    // 2023-12-31T16:30Z is 2024-01-01 00:30 in Shanghai.
    ['2023-12-31T16:30:00Z', '2024-01-16T00:30:00+08:00'],
  ])('a decision at %s opens a window closing %s', (decision, closes) => {
    expect(appealWindowCloses(new Date(decision), v2022)).toEqual(new Date(closes));
  });

  it('follows the rule data for its length', () => {
    expect(appealWindowCloses(decidedAt, { ...v2022, appealWindowDays: 30 })).toEqual(new Date('2023-10-31T12:00:00+08:00'));
    expect(decideAppealFiling({ decidedAt, now: new Date('2023-10-20T00:00:00+08:00'), previous: [], ruleSet: { ...v2022, appealWindowDays: 30 }, evidence: FRESH }).round).toBe(1);
  });

  describe('a first appeal', () => {
    it.each([
      ['at the decision itself', decidedAt],
      ['a day later', new Date('2023-10-02T12:00:00+08:00')],
      ['one millisecond before the window closes', after(windowEnd, -1)],
      ['at the last instant of the window', windowEnd],
    ])('is taken %s', (_, now) => {
      expect(decideAppealFiling({ decidedAt, now, previous: [], evidence: FRESH, ruleSet: v2022 })).toEqual({ round: 1, windowClosesAt: windowEnd });
    });

    it.each([
      ['one millisecond after the window', after(windowEnd)],
      ['one day after the window', addNaturalDays(windowEnd, 1)],
      ['a year later', new Date('2024-10-01T12:00:00+08:00')],
    ])('is refused at once %s, with code APPEAL.WINDOW_CLOSED', (_, now) => {
      expect(() => decideAppealFiling({ decidedAt, now, previous: [], evidence: FRESH, ruleSet: v2022 })).toThrow(refusal('APPEAL.WINDOW_CLOSED'));
    });

    it('gives a clear reason when late: a DomainError naming the closing instant in Shanghai time, not retriable', () => {
      let caught: unknown;
      try {
        decideAppealFiling({ decidedAt, now: after(windowEnd), previous: [], ruleSet: v2022, evidence: FRESH });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DomainError);
      expect(caught).toMatchObject({ code: 'APPEAL.WINDOW_CLOSED', retriable: false, name: 'DomainError' });
      expect((caught as Error).message).toContain('2023-10-16T12:00:00+08:00');
      expect((caught as Error).message).toMatch(/^The appeal window closed/);
    });
  });
});

describe('the one second appeal after a rejection', () => {
  describe('when the original window is later than 7 days after the rejection', () => {
    // Rejected on day 2: rejection + 7 days = 2023-10-10, before the original 2023-10-16.
    const rejectedAt = new Date('2023-10-03T12:00:00+08:00');

    it('runs to the original window', () => {
      expect(secondAppealCloses(decidedAt, rejectedAt, v2022)).toEqual(windowEnd);
    });

    it('is taken after the 7 days, up to the last instant of the original window', () => {
      expect(decideAppealFiling({ decidedAt, now: new Date('2023-10-12T00:00:00+08:00'), previous: [rejected(rejectedAt)], ruleSet: v2022, evidence: FRESH })).toEqual({ round: 2, windowClosesAt: windowEnd });
      expect(decideAppealFiling({ decidedAt, now: windowEnd, previous: [rejected(rejectedAt)], ruleSet: v2022, evidence: FRESH })).toEqual({ round: 2, windowClosesAt: windowEnd });
    });

    it('is refused one millisecond after the original window', () => {
      expect(() => decideAppealFiling({ decidedAt, now: after(windowEnd), previous: [rejected(rejectedAt)], ruleSet: v2022, evidence: FRESH })).toThrow(refusal('APPEAL.WINDOW_CLOSED'));
    });
  });

  describe('when 7 days after the rejection is later than the original window', () => {
    // Rejected on day 13: rejection + 7 days = 2023-10-21, after the original 2023-10-16.
    const rejectedAt = new Date('2023-10-14T18:45:00+08:00');
    const graceEnd = new Date('2023-10-21T18:45:00+08:00');

    it('runs 7 natural days from the rejection', () => {
      expect(secondAppealCloses(decidedAt, rejectedAt, v2022)).toEqual(graceEnd);
    });

    it('is taken after the original window closed, up to the last instant of the 7 days', () => {
      expect(decideAppealFiling({ decidedAt, now: after(windowEnd), previous: [rejected(rejectedAt)], ruleSet: v2022, evidence: FRESH })).toEqual({ round: 2, windowClosesAt: graceEnd });
      expect(decideAppealFiling({ decidedAt, now: graceEnd, previous: [rejected(rejectedAt)], ruleSet: v2022, evidence: FRESH })).toEqual({ round: 2, windowClosesAt: graceEnd });
    });

    it('is refused one millisecond after the 7 days, naming the second appeal window', () => {
      const late = () => decideAppealFiling({ decidedAt, now: after(graceEnd), previous: [rejected(rejectedAt)], ruleSet: v2022, evidence: FRESH });
      expect(late).toThrow(refusal('APPEAL.WINDOW_CLOSED'));
      expect(late).toThrow(/second appeal window closed at 2023-10-21T18:45:00\+08:00/);
    });
  });

  it('runs to the same instant either way when both ends coincide (rejection exactly 8 days after the decision)', () => {
    const rejectedAt = new Date('2023-10-09T12:00:00+08:00');
    expect(secondAppealCloses(decidedAt, rejectedAt, v2022)).toEqual(windowEnd);
    expect(decideAppealFiling({ decidedAt, now: windowEnd, previous: [rejected(rejectedAt)], ruleSet: v2022, evidence: FRESH })).toEqual({ round: 2, windowClosesAt: windowEnd });
    expect(codeOf(() => decideAppealFiling({ decidedAt, now: after(windowEnd), previous: [rejected(rejectedAt)], ruleSet: v2022, evidence: FRESH }))).toBe('APPEAL.WINDOW_CLOSED');
  });

  it('is the later of the two whichever order they come in', () => {
    const d = new Date('2023-03-01T08:00:00+08:00');
    const original = appealWindowCloses(d, v2022);
    for (let daysAfterDecision = 0; daysAfterDecision <= 15; daysAfterDecision += 1) {
      const rejectedAt = addNaturalDays(d, daysAfterDecision);
      const grace = addNaturalDays(rejectedAt, 7);
      const expected = Math.max(original.getTime(), grace.getTime());
      expect(secondAppealCloses(d, rejectedAt, v2022).getTime()).toBe(expected);
    }
  });

  it('falls back to the original window when the rejection time is unknown', () => {
    expect(decideAppealFiling({ decidedAt, now: windowEnd, previous: [rejected(null)], ruleSet: v2022, evidence: FRESH })).toEqual({ round: 2, windowClosesAt: windowEnd });
    expect(codeOf(() => decideAppealFiling({ decidedAt, now: after(windowEnd), previous: [rejected(null)], ruleSet: v2022, evidence: FRESH }))).toBe('APPEAL.WINDOW_CLOSED');
  });

  it('follows the rule data for the grace days', () => {
    const rejectedAt = new Date('2023-10-14T18:45:00+08:00');
    expect(secondAppealCloses(decidedAt, rejectedAt, { ...v2022, secondAppealGraceDays: 10 })).toEqual(new Date('2023-10-24T18:45:00+08:00'));
    expect(secondAppealCloses(decidedAt, rejectedAt, { ...v2022, secondAppealGraceDays: 0 })).toEqual(windowEnd);
  });

  it('is the last: no third appeal, even inside the window', () => {
    const twice: FiledAppeal[] = [rejected('2023-10-03T12:00:00+08:00'), { round: 2, status: 'REJECTED', decidedAt: new Date('2023-10-05T12:00:00+08:00') }];
    expect(() => decideAppealFiling({ decidedAt, now: new Date('2023-10-06T00:00:00+08:00'), previous: twice, ruleSet: v2022, evidence: FRESH })).toThrow(refusal('APPEAL.NO_MORE_APPEALS'));
    expect(codeOf(() => decideAppealFiling({ decidedAt, now: decidedAt, previous: twice, evidence: FRESH, ruleSet: v2022 }))).toBe('APPEAL.NO_MORE_APPEALS');
  });
});

describe('refusals that do not depend on the window', () => {
  const now = new Date('2023-10-05T00:00:00+08:00');

  it('refuses a new appeal while the first is pending (APPEAL.PENDING)', () => {
    expect(() => decideAppealFiling({ decidedAt, now, previous: [{ round: 1, status: 'PENDING', decidedAt: null }], evidence: FRESH, ruleSet: v2022 })).toThrow(refusal('APPEAL.PENDING'));
  });

  it('refuses a new appeal while the second is pending (APPEAL.PENDING, not NO_MORE_APPEALS)', () => {
    const previous: FiledAppeal[] = [rejected('2023-10-03T12:00:00+08:00'), { round: 2, status: 'PENDING', decidedAt: null }];
    expect(codeOf(() => decideAppealFiling({ decidedAt, now, previous, evidence: FRESH, ruleSet: v2022 }))).toBe('APPEAL.PENDING');
  });

  it('refuses a new appeal after the first was accepted (APPEAL.ALREADY_ACCEPTED)', () => {
    expect(() => decideAppealFiling({ decidedAt, now, previous: [{ round: 1, status: 'ACCEPTED', decidedAt: new Date('2023-10-03T12:00:00+08:00') }], ruleSet: v2022, evidence: FRESH })).toThrow(
      refusal('APPEAL.ALREADY_ACCEPTED'),
    );
  });

  it('refuses a new appeal after the second was accepted (APPEAL.ALREADY_ACCEPTED, not NO_MORE_APPEALS)', () => {
    const previous: FiledAppeal[] = [rejected('2023-10-03T12:00:00+08:00'), { round: 2, status: 'ACCEPTED', decidedAt: new Date('2023-10-04T12:00:00+08:00') }];
    expect(codeOf(() => decideAppealFiling({ decidedAt, now, previous, evidence: FRESH, ruleSet: v2022 }))).toBe('APPEAL.ALREADY_ACCEPTED');
  });

  it('gives the pending and accepted refusals even after the window closed (they are the clearer reason)', () => {
    const late = after(windowEnd);
    expect(codeOf(() => decideAppealFiling({ decidedAt, now: late, previous: [{ round: 1, status: 'PENDING', decidedAt: null }], evidence: FRESH, ruleSet: v2022 }))).toBe('APPEAL.PENDING');
    expect(codeOf(() => decideAppealFiling({ decidedAt, now: late, previous: [{ round: 1, status: 'ACCEPTED', decidedAt: decidedAt }], evidence: FRESH, ruleSet: v2022 }))).toBe('APPEAL.ALREADY_ACCEPTED');
  });
});

describe('decideAppealReview', () => {
  it.each(APPEAL_REJECTION_REASONS)('rejects a pending appeal with the source reason %s', (reason) => {
    expect(decideAppealReview({ status: 'PENDING', decision: 'REJECTED', rejectionReason: reason })).toEqual({ status: 'REJECTED', rejectionReason: reason });
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', '' as AppealRejectionReason],
  ])('refuses a rejection whose reason is %s (APPEAL.REJECTION_REASON_REQUIRED), listing the five reasons', (_, rejectionReason) => {
    const review = () => decideAppealReview({ status: 'PENDING', decision: 'REJECTED', rejectionReason });
    expect(review).toThrow(refusal('APPEAL.REJECTION_REASON_REQUIRED'));
    for (const reason of APPEAL_REJECTION_REASONS) expect(review).toThrow(reason);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
  ])('accepts a pending appeal with the reason %s, and records none', (_, rejectionReason) => {
    expect(decideAppealReview({ status: 'PENDING', decision: 'ACCEPTED', rejectionReason })).toEqual({ status: 'ACCEPTED', rejectionReason: null });
  });

  it.each(APPEAL_REJECTION_REASONS)('refuses an acceptance carrying the rejection reason %s (APPEAL.UNEXPECTED_REJECTION_REASON)', (reason) => {
    expect(() => decideAppealReview({ status: 'PENDING', decision: 'ACCEPTED', rejectionReason: reason })).toThrow(refusal('APPEAL.UNEXPECTED_REJECTION_REASON'));
  });

  describe.each(['ACCEPTED', 'REJECTED'] as const)('an appeal already %s', (status) => {
    it.each([
      ['accepted', 'ACCEPTED', null],
      ['rejected', 'REJECTED', 'MATERIALS_INCOMPLETE'],
      ['rejected without a reason', 'REJECTED', null],
    ] as const)('cannot be %s again (APPEAL.ALREADY_DECIDED)', (_, decision, rejectionReason) => {
      expect(() => decideAppealReview({ status, decision, rejectionReason })).toThrow(refusal('APPEAL.ALREADY_DECIDED'));
    });
  });
});

describe('a full appeal history on one decision', () => {
  it('first appeal, rejection, second appeal inside the grace days, then nothing more', () => {
    const decision = shanghaiMidnight('2023-06-25');
    const first = decideAppealFiling({ decidedAt: decision, now: new Date('2023-07-08T10:00:00+08:00'), previous: [], ruleSet: v2022, evidence: FRESH });
    expect(first).toEqual({ round: 1, windowClosesAt: new Date('2023-07-10T00:00:00+08:00') });

    const firstReview = decideAppealReview({ status: 'PENDING', decision: 'REJECTED', rejectionReason: 'MATERIALS_INCOMPLETE' });
    const rejectedAt = new Date('2023-07-09T16:00:00+08:00');
    const history: FiledAppeal[] = [{ round: 1, status: firstReview.status, decidedAt: rejectedAt }];

    // The original window has closed, but 7 days after the rejection have not.
    const second = decideAppealFiling({ decidedAt: decision, now: new Date('2023-07-15T09:00:00+08:00'), previous: history, ruleSet: v2022, evidence: FRESH });
    expect(second).toEqual({ round: 2, windowClosesAt: new Date('2023-07-16T16:00:00+08:00') });

    const secondReview = decideAppealReview({ status: 'PENDING', decision: 'REJECTED', rejectionReason: 'MATERIALS_NOT_GENUINE' });
    history.push({ round: 2, status: secondReview.status, decidedAt: new Date('2023-07-15T12:00:00+08:00') });
    expect(codeOf(() => decideAppealFiling({ decidedAt: decision, now: new Date('2023-07-15T13:00:00+08:00'), previous: history, ruleSet: v2022, evidence: FRESH }))).toBe('APPEAL.NO_MORE_APPEALS');
  });
});
