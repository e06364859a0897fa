import { APPEAL_REJECTION_REASONS, appealWindowCloses, decideAppealFiling, decideAppealReview, secondAppealCloses, type FiledAppeal } from './appeal';
import { ruleSetOfVersion } from './rule-sets.data';
import { refusal } from './domain-error.testing';

// Evidence no earlier appeal carried.
const FRESH = [{ sha256: 'f'.repeat(64) }];

const rules = ruleSetOfVersion('2022-06-27')!;
const decidedAt = new Date('2023-08-10T11:00:00+08:00');
const closes = new Date('2023-08-25T11:00:00+08:00');

describe('appeals (rulebook section 5)', () => {
  it('opens a 15-natural-day window from the decision (project default)', () => {
    expect(appealWindowCloses(decidedAt, rules)).toEqual(closes);
  });

  it('takes a first appeal up to the last instant of the window and refuses it one millisecond later', () => {
    expect(decideAppealFiling({ decidedAt, now: closes, previous: [], evidence: FRESH, ruleSet: rules })).toEqual({ round: 1, windowClosesAt: closes });
    expect(() => decideAppealFiling({ decidedAt, now: new Date(closes.getTime() + 1), previous: [], ruleSet: rules, evidence: FRESH })).toThrow(refusal('APPEAL.WINDOW_CLOSED'));
    expect(() => decideAppealFiling({ decidedAt, now: new Date(closes.getTime() + 1), previous: [], ruleSet: rules, evidence: FRESH })).toThrow(/closed at 2023-08-25T11:00:00\+08:00/);
  });

  describe('the one second appeal after a rejection', () => {
    const rejectedOn = (iso: string): FiledAppeal[] => [{ round: 1, status: 'REJECTED', decidedAt: new Date(iso) }];

    it('runs to the original window when that is later than 7 days after the rejection', () => {
      const early = rejectedOn('2023-08-12T09:30:00+08:00');
      expect(secondAppealCloses(decidedAt, new Date('2023-08-12T09:30:00+08:00'), rules)).toEqual(closes);
      expect(decideAppealFiling({ decidedAt, now: closes, previous: early, evidence: FRESH, ruleSet: rules })).toEqual({ round: 2, windowClosesAt: closes });
      expect(() => decideAppealFiling({ decidedAt, now: new Date('2023-08-25T11:00:01+08:00'), previous: early, ruleSet: rules, evidence: FRESH })).toThrow(refusal('APPEAL.WINDOW_CLOSED'));
    });

    it('runs 7 days from the rejection when that is later than the original window', () => {
      const late = rejectedOn('2023-08-24T15:00:00+08:00');
      const graceEnd = new Date('2023-08-31T15:00:00+08:00');
      expect(secondAppealCloses(decidedAt, new Date('2023-08-24T15:00:00+08:00'), rules)).toEqual(graceEnd);
      expect(decideAppealFiling({ decidedAt, now: new Date('2023-08-30T00:00:00+08:00'), previous: late, ruleSet: rules, evidence: FRESH })).toEqual({ round: 2, windowClosesAt: graceEnd });
      expect(() => decideAppealFiling({ decidedAt, now: new Date(graceEnd.getTime() + 1), previous: late, ruleSet: rules, evidence: FRESH })).toThrow(refusal('APPEAL.WINDOW_CLOSED'));
    });

    it('must bring new evidence: refused when every document was in the rejected appeal, taken with one new document', () => {
      const old = [{ sha256: 'a'.repeat(64) }, { sha256: 'b'.repeat(64) }];
      const rejected: FiledAppeal[] = [{ round: 1, status: 'REJECTED', decidedAt: new Date('2023-08-12T09:30:00+08:00'), evidence: old }];
      const now = new Date('2023-08-13T00:00:00+08:00');
      expect(() => decideAppealFiling({ decidedAt, now, previous: rejected, evidence: old, ruleSet: rules })).toThrow(refusal('APPEAL.NO_NEW_EVIDENCE'));
      // The same documents in another order, a subset, or the same hash in capitals are not new.
      expect(() => decideAppealFiling({ decidedAt, now, previous: rejected, evidence: [old[1]], ruleSet: rules })).toThrow(refusal('APPEAL.NO_NEW_EVIDENCE'));
      expect(() => decideAppealFiling({ decidedAt, now, previous: rejected, evidence: [{ sha256: 'A'.repeat(64) }, old[1]], ruleSet: rules })).toThrow(refusal('APPEAL.NO_NEW_EVIDENCE'));
      expect(decideAppealFiling({ decidedAt, now, previous: rejected, evidence: [...old, ...FRESH], ruleSet: rules })).toEqual({ round: 2, windowClosesAt: closes });
    });

    it('is the last: a third appeal is refused', () => {
      const twice: FiledAppeal[] = [
        { round: 1, status: 'REJECTED', decidedAt: new Date('2023-08-12T09:30:00+08:00') },
        { round: 2, status: 'REJECTED', decidedAt: new Date('2023-08-14T09:30:00+08:00') },
      ];
      expect(() => decideAppealFiling({ decidedAt, now: new Date('2023-08-15T00:00:00+08:00'), previous: twice, ruleSet: rules, evidence: FRESH })).toThrow(refusal('APPEAL.NO_MORE_APPEALS'));
    });
  });

  it('refuses a new appeal while one is pending, and after one was accepted', () => {
    const now = new Date('2023-08-12T00:00:00+08:00');
    expect(() => decideAppealFiling({ decidedAt, now, previous: [{ round: 1, status: 'PENDING', decidedAt: null }], evidence: FRESH, ruleSet: rules })).toThrow(refusal('APPEAL.PENDING'));
    expect(() => decideAppealFiling({ decidedAt, now, previous: [{ round: 1, status: 'ACCEPTED', decidedAt: now }], evidence: FRESH, ruleSet: rules })).toThrow(refusal('APPEAL.ALREADY_ACCEPTED'));
  });

  describe('review', () => {
    it.each(APPEAL_REJECTION_REASONS)('rejects with the source reason %s', (reason) => {
      expect(decideAppealReview({ status: 'PENDING', decision: 'REJECTED', rejectionReason: reason })).toEqual({ status: 'REJECTED', rejectionReason: reason });
    });

    it('lists the five reasons the source gives', () => {
      expect(APPEAL_REJECTION_REASONS).toEqual(['MATERIALS_NOT_GENUINE', 'MATERIALS_INCOMPLETE', 'IP_DISPUTE_UNRESOLVED', 'RULES_MISUNDERSTOOD', 'WINDOW_MISSED']);
    });

    it('needs a reason to reject and none to accept', () => {
      expect(() => decideAppealReview({ status: 'PENDING', decision: 'REJECTED' })).toThrow(refusal('APPEAL.REJECTION_REASON_REQUIRED'));
      expect(() => decideAppealReview({ status: 'PENDING', decision: 'ACCEPTED', rejectionReason: 'WINDOW_MISSED' })).toThrow(refusal('APPEAL.UNEXPECTED_REJECTION_REASON'));
      expect(decideAppealReview({ status: 'PENDING', decision: 'ACCEPTED' })).toEqual({ status: 'ACCEPTED', rejectionReason: null });
    });

    it.each(['ACCEPTED', 'REJECTED'] as const)('does not decide an appeal already %s', (status) => {
      expect(() => decideAppealReview({ status, decision: 'ACCEPTED' })).toThrow(refusal('APPEAL.ALREADY_DECIDED'));
    });
  });
});
