import {
  assertRemediationUnderReview, decideRemediationDeadline, decideRemediationReview, decideRemediationSubmission, FORGERY_CASE_STATUSES, openForgeryCase, remediatedFineFen, unremediedOutcome,
  type RemediationDocument,
} from './forgery-case';
import { ruleSetAt, ruleSetOfVersion } from './rule-sets.data';
import { SEVERITIES } from './vocabulary';
import { refusal } from './domain-error.testing';

const v2019 = ruleSetOfVersion('2019')!;
const v2022 = ruleSetOfVersion('2022-06-27')!;
const CNY = 100;
const openedAt = new Date('2023-03-01T10:00:00+08:00');
const closesAt = new Date('2023-03-16T10:00:00+08:00');

describe('qualification forgery (rulebook section 4)', () => {
  it('applies the version in force at the violation: 2019 until 2022-06-26 24:00, 2022-06-27 from then', () => {
    expect(ruleSetAt(new Date('2022-06-26T23:59:59+08:00')).version).toBe('2019');
    expect(ruleSetAt(new Date('2022-06-27T00:00:00+08:00')).version).toBe('2022-06-27');
    // Announced 2022-06-20, but not yet in force.
    expect(ruleSetAt(new Date('2022-06-20T12:00:00+08:00')).version).toBe('2019');
  });

  describe('version 2019: clear-out and full deposit confiscation for every case', () => {
    it.each(SEVERITIES)('%s, first case', (severity) => {
      expect(openForgeryCase({ severity, caseNumber: 1, openedAt, ruleSet: v2019 })).toEqual({ outcome: 'CLEAR_OUT', measures: ['TERMINATION', 'DEPOSIT_FORFEITURE'], forfeitsDeposit: true });
    });

    it('has no remediation', () => {
      expect(() => remediatedFineFen(1, v2019)).toThrow(refusal('FORGERY.NO_REMEDIATION'));
      expect(() => unremediedOutcome(v2019)).toThrow(refusal('FORGERY.NO_REMEDIATION'));
    });
  });

  describe('version 2022-06-27', () => {
    it.each([
      ['MINOR', 1],
      ['STANDARD', 1],
      ['MINOR', 2],
      ['STANDARD', 2],
    ] as const)('a %s case number %i opens a 15-natural-day window with no sanction yet', (severity, caseNumber) => {
      expect(openForgeryCase({ severity, caseNumber, openedAt, ruleSet: v2022 })).toEqual({ outcome: 'REMEDIATION_WINDOW', remediationClosesAt: closesAt });
    });

    it('clears out a severe case at once, whatever its number', () => {
      for (const caseNumber of [1, 2, 3]) expect(openForgeryCase({ severity: 'SEVERE', caseNumber, openedAt, ruleSet: v2022 })).toMatchObject({ outcome: 'CLEAR_OUT', forfeitsDeposit: true });
    });

    it('clears out a third or later case at once (project default)', () => {
      for (const caseNumber of [3, 4, 7]) {
        expect(openForgeryCase({ severity: 'MINOR', caseNumber, openedAt, ruleSet: v2022 })).toEqual({ outcome: 'CLEAR_OUT', measures: ['TERMINATION', 'DEPOSIT_FORFEITURE'], forfeitsDeposit: true });
      }
    });

    it('fines an accepted remediation 5,000 CNY for the first case and 10,000 CNY for the second', () => {
      expect(remediatedFineFen(1, v2022)).toBe(5_000 * CNY);
      expect(remediatedFineFen(2, v2022)).toBe(10_000 * CNY);
    });

    it('revokes the brand authorisation, delists the related items and fines 10,000 CNY when the window closes unremedied', () => {
      expect(unremediedOutcome(v2022)).toEqual({ measures: ['BRAND_AUTHORIZATION_REVOCATION', 'DELIST_RELATED_ITEMS'], fineFen: 10_000 * CNY });
    });
  });

  describe('remediation documents', () => {
    const valid: RemediationDocument = { kind: 'BRAND_AUTHORIZATION', issuer: 'Brand Co.', validFrom: new Date('2023-01-01T00:00:00+08:00'), validUntil: new Date('2024-01-01T00:00:00+08:00'), sha256: 'a'.repeat(64) };
    const now = new Date('2023-03-10T10:00:00+08:00');
    const submit = (over: Partial<Parameters<typeof decideRemediationSubmission>[0]>) =>
      decideRemediationSubmission({ status: 'OPEN', remediationClosesAt: closesAt, documents: [valid], now, ...over });

    it('are taken while the case is open and its window runs, up to its last instant', () => {
      expect(() => submit({})).not.toThrow();
      expect(() => submit({ now: closesAt })).not.toThrow();
      expect(() => submit({ now: new Date(closesAt.getTime() + 1) })).toThrow(refusal('FORGERY.WINDOW_CLOSED'));
    });

    it.each(FORGERY_CASE_STATUSES.filter((s) => s !== 'OPEN'))('are refused for a %s case', (status) => {
      expect(() => submit({ status })).toThrow(refusal('FORGERY.NOT_OPEN'));
    });

    it('must be within their validity period (效期内) and at least one', () => {
      expect(() => submit({ documents: [] })).toThrow(refusal('FORGERY.NO_DOCUMENTS'));
      expect(() => submit({ documents: [valid, { ...valid, kind: 'PURCHASE_VOUCHER', validUntil: new Date('2023-03-09T00:00:00+08:00') }] })).toThrow(/PURCHASE_VOUCHER/);
      expect(() => submit({ documents: [{ ...valid, validFrom: new Date('2023-04-01T00:00:00+08:00') }] })).toThrow(refusal('FORGERY.DOCUMENT_NOT_VALID'));
    });
  });

  describe('review and deadline', () => {
    it('an accepted remediation remedies the case, even when reviewed after the window', () => {
      expect(decideRemediationReview({ status: 'REMEDIATION_SUBMITTED', accepted: true, remediationClosesAt: closesAt, now: new Date('2023-03-20T00:00:00+08:00') })).toEqual({ status: 'REMEDIED' });
    });

    it('a rejected one reopens the case while the window runs, and closes it unremedied after', () => {
      expect(decideRemediationReview({ status: 'REMEDIATION_SUBMITTED', accepted: false, remediationClosesAt: closesAt, now: new Date('2023-03-10T00:00:00+08:00') })).toEqual({ status: 'OPEN' });
      expect(decideRemediationReview({ status: 'REMEDIATION_SUBMITTED', accepted: false, remediationClosesAt: closesAt, now: new Date('2023-03-17T00:00:00+08:00') })).toEqual({ status: 'UNREMEDIED' });
    });

    it.each(FORGERY_CASE_STATUSES.filter((s) => s !== 'REMEDIATION_SUBMITTED'))('has nothing to review, claim or release on a %s case', (status) => {
      expect(() => decideRemediationReview({ status, accepted: true, remediationClosesAt: closesAt, now: openedAt })).toThrow(refusal('FORGERY.NOTHING_TO_REVIEW'));
      expect(() => assertRemediationUnderReview(status)).toThrow(refusal('FORGERY.NOTHING_TO_REVIEW'));
    });

    it('has submitted documents to review, claim or release', () => {
      expect(() => assertRemediationUnderReview('REMEDIATION_SUBMITTED')).not.toThrow();
    });

    it('the window closing leaves an open case unremedied, waits for a pending review, and ignores closed cases', () => {
      expect(decideRemediationDeadline('OPEN')).toEqual({ status: 'UNREMEDIED' });
      for (const status of ['REMEDIATION_SUBMITTED', 'REMEDIED', 'UNREMEDIED', 'CLEARED_OUT', 'REVOKED'] as const) expect(decideRemediationDeadline(status)).toBeNull();
    });
  });
});
