import {
  decideRemediationDeadline, decideRemediationReview, decideRemediationSubmission, FORGERY_CASE_STATUSES, openForgeryCase, remediatedFineFen, unremediedOutcome,
  type ForgeryCaseStatus, type RemediationDocument,
} from './forgery-case';
import { formatShanghai } from './natural-year';
import { RULE_SETS, ruleSetAt, ruleSetOfVersion } from './rule-sets.data';
import { SEVERITIES } from './vocabulary';
import { after, codeOf, refusal } from './domain-error.testing';

/**
 * Rulebook section 4, qualification forgery under its two versions: 2019 (clear-out and whole deposit
 * at once) and 2022-06-27 (a 15-natural-day remediation window, 5,000 / 10,000 CNY after accepted
 * documents, brand authorisation revoked + related items delisted + 10,000 CNY when unremedied, and
 * clear-out for severe or third-and-later cases). Complements forgery-case.spec.ts.
 */
const v2019 = ruleSetOfVersion('2019')!;
const v2022 = ruleSetOfVersion('2022-06-27')!;
const CLEAR_OUT = { outcome: 'CLEAR_OUT', measures: ['TERMINATION', 'DEPOSIT_FORFEITURE'], forfeitsDeposit: true };

const openedAt = new Date('2023-10-01T12:00:00+08:00');
const closesAt = new Date('2023-10-16T12:00:00+08:00');

describe('which version applies: the one in force at the violation', () => {
  it('is 2019 up to 2022-06-26 24:00 Shanghai and 2022-06-27 from 2022-06-27 00:00', () => {
    expect(ruleSetAt(new Date('2022-06-26T23:59:59+08:00')).version).toBe('2019');
    expect(ruleSetAt(new Date('2022-06-26T23:59:59.999+08:00')).version).toBe('2019');
    expect(ruleSetAt(new Date('2022-06-27T00:00:00+08:00')).version).toBe('2022-06-27');
    expect(ruleSetAt(new Date('2022-06-27T00:00:00.001+08:00')).version).toBe('2022-06-27');
  });

  it('reads the boundary in Shanghai time, not UTC: 2022-06-26T16:00Z is already the 27th', () => {
    expect(ruleSetAt(new Date('2022-06-26T15:59:59.999Z')).version).toBe('2019');
    expect(ruleSetAt(new Date('2022-06-26T16:00:00Z')).version).toBe('2022-06-27');
    // Still the 26th in UTC, but the 27th in Shanghai.
    expect(ruleSetAt(new Date('2022-06-26T20:00:00Z')).version).toBe('2022-06-27');
  });

  it('was announced on 2022-06-20 but did not apply before it took effect', () => {
    expect(ruleSetAt(new Date('2022-06-20T00:00:00+08:00')).version).toBe('2019');
    expect(ruleSetAt(new Date('2022-06-25T12:00:00+08:00')).version).toBe('2019');
  });

  it.each([
    ['2019-01-01T00:00:00+08:00', '2019'],
    ['2021-11-11T00:00:00+08:00', '2019'],
    ['2022-07-01T00:00:00+08:00', '2022-06-27'],
    ['2024-06-01T00:00:00+08:00', '2022-06-27'],
  ])('at %s the version is %s', (at, version) => {
    expect(ruleSetAt(new Date(at)).version).toBe(version);
  });

  it('a case at 23:59 on the 26th clears out; one at 00:00 on the 27th gets a remediation window', () => {
    const before = new Date('2022-06-26T23:59:00+08:00');
    const from = new Date('2022-06-27T00:00:00+08:00');
    expect(openForgeryCase({ severity: 'MINOR', caseNumber: 1, openedAt: before, ruleSet: ruleSetAt(before) })).toEqual(CLEAR_OUT);
    expect(openForgeryCase({ severity: 'MINOR', caseNumber: 1, openedAt: from, ruleSet: ruleSetAt(from) })).toEqual({
      outcome: 'REMEDIATION_WINDOW', remediationClosesAt: new Date('2022-07-12T00:00:00+08:00'),
    });
  });

  it('knows exactly these two versions', () => {
    expect(RULE_SETS.map((r) => r.version)).toEqual(['2019', '2022-06-27']);
  });
});

describe('version 2019: clear-out of the store and the whole deposit for every forgery', () => {
  describe.each(SEVERITIES)('a %s case', (severity) => {
    it.each([1, 2, 3, 4])('number %i clears out with TERMINATION and DEPOSIT_FORFEITURE', (caseNumber) => {
      expect(openForgeryCase({ severity, caseNumber, openedAt, ruleSet: v2019 })).toEqual(CLEAR_OUT);
    });
  });

  it('has no remediation fine and no unremedied outcome (FORGERY.NO_REMEDIATION)', () => {
    for (const caseNumber of [1, 2, 3]) expect(() => remediatedFineFen(caseNumber, v2019)).toThrow(refusal('FORGERY.NO_REMEDIATION'));
    expect(() => unremediedOutcome(v2019)).toThrow(refusal('FORGERY.NO_REMEDIATION'));
    expect(() => unremediedOutcome(v2019)).toThrow(/2019/);
  });
});

describe('version 2022-06-27', () => {
  describe('opening', () => {
    it.each([
      ['MINOR', 1],
      ['STANDARD', 1],
      ['MINOR', 2],
      ['STANDARD', 2],
    ] as const)('a %s case number %i opens a 15-natural-day remediation window, no sanction yet', (severity, caseNumber) => {
      const opening = openForgeryCase({ severity, caseNumber, openedAt, ruleSet: v2022 });
      expect(opening).toEqual({ outcome: 'REMEDIATION_WINDOW', remediationClosesAt: closesAt });
      expect(opening).not.toHaveProperty('measures');
    });

    it('closes the window exactly 15 × 24 h after opening, at the same Shanghai wall-clock time', () => {
      const opening = openForgeryCase({ severity: 'MINOR', caseNumber: 1, openedAt: new Date('2023-12-25T23:30:00+08:00'), ruleSet: v2022 });
      expect(opening.outcome).toBe('REMEDIATION_WINDOW');
      if (opening.outcome !== 'REMEDIATION_WINDOW') return;
      expect(formatShanghai(opening.remediationClosesAt)).toBe('2024-01-09T23:30:00+08:00');
    });

    it.each([1, 2, 3, 4])('a SEVERE case number %i clears out at once (termination, whole deposit)', (caseNumber) => {
      expect(openForgeryCase({ severity: 'SEVERE', caseNumber, openedAt, ruleSet: v2022 })).toEqual(CLEAR_OUT);
    });

    describe.each(SEVERITIES)('a %s case', (severity) => {
      it.each([3, 4, 10])('number %i (third or later) clears out at once', (caseNumber) => {
        expect(openForgeryCase({ severity, caseNumber, openedAt, ruleSet: v2022 })).toEqual(CLEAR_OUT);
      });
    });

    it('hands out a fresh copy of the clear-out measures (the rule data is not shared)', () => {
      const opening = openForgeryCase({ severity: 'SEVERE', caseNumber: 1, openedAt, ruleSet: v2022 });
      if (opening.outcome !== 'CLEAR_OUT') throw new Error('expected a clear-out');
      opening.measures.push('ACCOUNT_SEAL');
      expect(v2022.forgeryClearOutMeasures).toEqual(['TERMINATION', 'DEPOSIT_FORFEITURE']);
    });
  });

  describe('fines', () => {
    it('fines 5,000 CNY = 500,000 fen after an accepted remediation of the first case', () => {
      expect(remediatedFineFen(1, v2022)).toBe(500_000);
    });

    it('fines 10,000 CNY = 1,000,000 fen after an accepted remediation of the second case', () => {
      expect(remediatedFineFen(2, v2022)).toBe(1_000_000);
    });

    it('revokes the brand authorisation, delists the related items and fines 10,000 CNY = 1,000,000 fen when unremedied', () => {
      expect(unremediedOutcome(v2022)).toEqual({ measures: ['BRAND_AUTHORIZATION_REVOCATION', 'DELIST_RELATED_ITEMS'], fineFen: 1_000_000 });
    });

    it('does not terminate or take the deposit when unremedied', () => {
      const { measures } = unremediedOutcome(v2022);
      expect(measures).not.toContain('TERMINATION');
      expect(measures).not.toContain('DEPOSIT_FORFEITURE');
    });

    it('hands out a fresh copy of the unremedied measures', () => {
      unremediedOutcome(v2022).measures.push('TERMINATION');
      expect(unremediedOutcome(v2022).measures).toEqual(['BRAND_AUTHORIZATION_REVOCATION', 'DELIST_RELATED_ITEMS']);
    });

    it('keeps every fine an integer number of fen', () => {
      for (const fen of [remediatedFineFen(1, v2022), remediatedFineFen(2, v2022), unremediedOutcome(v2022).fineFen]) expect(Number.isInteger(fen)).toBe(true);
    });
  });
});

describe('decideRemediationSubmission', () => {
  const doc = (over: Partial<RemediationDocument> = {}): RemediationDocument => ({
    kind: 'BRAND_AUTHORIZATION',
    issuer: 'Brand Co.',
    validFrom: new Date('2023-01-01T00:00:00+08:00'),
    validUntil: new Date('2024-12-31T00:00:00+08:00'),
    sha256: 'b'.repeat(64),
    ...over,
  });
  const now = new Date('2023-10-08T10:00:00+08:00');
  const submit = (over: Partial<Parameters<typeof decideRemediationSubmission>[0]> = {}) =>
    decideRemediationSubmission({ status: 'OPEN', remediationClosesAt: closesAt, documents: [doc()], now, ...over });

  describe('acceptance', () => {
    it('takes valid documents on an open case inside its window', () => {
      expect(submit()).toBeUndefined();
    });

    it('takes a complete chain of several valid documents', () => {
      const chain = [
        doc({ kind: 'TRADEMARK_REGISTRATION', issuer: 'Trademark Office' }),
        doc({ kind: 'BRAND_AUTHORIZATION' }),
        doc({ kind: 'PURCHASE_VOUCHER', issuer: 'Supplier Ltd.' }),
        doc({ kind: 'CUSTOMS_DECLARATION', issuer: 'Customs' }),
      ];
      expect(() => submit({ documents: chain })).not.toThrow();
    });

    it.each([
      ['at the opening', openedAt],
      ['at the last instant of the window', closesAt],
    ])('takes them %s', (_, at) => {
      expect(() => submit({ now: at })).not.toThrow();
    });

    it('takes a document on the first and on the last instant of its validity', () => {
      expect(() => submit({ documents: [doc({ validFrom: now })] })).not.toThrow();
      expect(() => submit({ documents: [doc({ validUntil: now })] })).not.toThrow();
    });
  });

  describe('refusals', () => {
    it.each(FORGERY_CASE_STATUSES.filter((s) => s !== 'OPEN'))('refuses documents on a %s case (FORGERY.NOT_OPEN)', (status) => {
      expect(() => submit({ status })).toThrow(refusal('FORGERY.NOT_OPEN'));
    });

    it('refuses documents on an OPEN case without a window (FORGERY.NOT_OPEN)', () => {
      expect(() => submit({ remediationClosesAt: null })).toThrow(refusal('FORGERY.NOT_OPEN'));
    });

    it('refuses documents one millisecond after the window (FORGERY.WINDOW_CLOSED), naming its end', () => {
      expect(() => submit({ now: after(closesAt) })).toThrow(refusal('FORGERY.WINDOW_CLOSED'));
      expect(() => submit({ now: after(closesAt) })).toThrow(/2023-10-16T12:00:00\+08:00/);
    });

    it('refuses a submission without documents (FORGERY.NO_DOCUMENTS)', () => {
      expect(() => submit({ documents: [] })).toThrow(refusal('FORGERY.NO_DOCUMENTS'));
    });

    it('refuses a document not yet valid (FORGERY.DOCUMENT_NOT_VALID)', () => {
      expect(() => submit({ documents: [doc({ validFrom: after(now) })] })).toThrow(refusal('FORGERY.DOCUMENT_NOT_VALID'));
      expect(() => submit({ documents: [doc({ validFrom: new Date('2023-11-01T00:00:00+08:00') })] })).toThrow(refusal('FORGERY.DOCUMENT_NOT_VALID'));
    });

    it('refuses a document already expired (FORGERY.DOCUMENT_NOT_VALID)', () => {
      expect(() => submit({ documents: [doc({ validUntil: after(now, -1) })] })).toThrow(refusal('FORGERY.DOCUMENT_NOT_VALID'));
      expect(() => submit({ documents: [doc({ validUntil: new Date('2023-06-30T00:00:00+08:00') })] })).toThrow(refusal('FORGERY.DOCUMENT_NOT_VALID'));
    });

    it('refuses the whole chain when one document is out of validity, naming that document', () => {
      const chain = [doc({ kind: 'TRADEMARK_REGISTRATION' }), doc({ kind: 'PURCHASE_VOUCHER', validUntil: new Date('2023-09-30T00:00:00+08:00') }), doc({ kind: 'CUSTOMS_DECLARATION' })];
      const attempt = () => submit({ documents: chain });
      expect(attempt).toThrow(refusal('FORGERY.DOCUMENT_NOT_VALID'));
      expect(attempt).toThrow(/PURCHASE_VOUCHER/);
      expect(attempt).not.toThrow(/TRADEMARK_REGISTRATION/);
    });

    it('checks the case before the window and the window before the documents', () => {
      expect(codeOf(() => submit({ status: 'REMEDIED', now: after(closesAt), documents: [] }))).toBe('FORGERY.NOT_OPEN');
      expect(codeOf(() => submit({ now: after(closesAt), documents: [] }))).toBe('FORGERY.WINDOW_CLOSED');
      expect(codeOf(() => submit({ documents: [] }))).toBe('FORGERY.NO_DOCUMENTS');
    });
  });
});

describe('decideRemediationReview', () => {
  const review = (accepted: boolean, now: Date, status: ForgeryCaseStatus = 'REMEDIATION_SUBMITTED') => decideRemediationReview({ status, accepted, remediationClosesAt: closesAt, now });

  it.each([
    ['inside the window', new Date('2023-10-10T00:00:00+08:00')],
    ['at its last instant', closesAt],
    ['after the window (the documents came in time)', new Date('2023-10-20T00:00:00+08:00')],
  ])('accepted %s: REMEDIED', (_, now) => {
    expect(review(true, now)).toEqual({ status: 'REMEDIED' });
  });

  it.each([
    ['inside the window', new Date('2023-10-10T00:00:00+08:00')],
    ['at its last instant', closesAt],
  ])('rejected %s: OPEN again (the merchant may submit again)', (_, now) => {
    expect(review(false, now)).toEqual({ status: 'OPEN' });
  });

  it.each([
    ['one millisecond after the window', after(closesAt)],
    ['days after the window', new Date('2023-10-25T00:00:00+08:00')],
  ])('rejected %s: UNREMEDIED at once', (_, now) => {
    expect(review(false, now)).toEqual({ status: 'UNREMEDIED' });
  });

  describe.each(FORGERY_CASE_STATUSES.filter((s) => s !== 'REMEDIATION_SUBMITTED'))('a %s case', (status) => {
    it.each([true, false])('has nothing to review (accepted: %p) (FORGERY.NOTHING_TO_REVIEW)', (accepted) => {
      expect(() => review(accepted, new Date('2023-10-10T00:00:00+08:00'), status)).toThrow(refusal('FORGERY.NOTHING_TO_REVIEW'));
    });
  });
});

describe('decideRemediationDeadline', () => {
  it('turns an OPEN case UNREMEDIED when the window closes', () => {
    expect(decideRemediationDeadline('OPEN')).toEqual({ status: 'UNREMEDIED' });
  });

  it('lets a case with documents under review wait for the reviewer', () => {
    expect(decideRemediationDeadline('REMEDIATION_SUBMITTED')).toBeNull();
  });

  it.each(['REMEDIED', 'UNREMEDIED', 'CLEARED_OUT', 'REVOKED'] as const)('leaves a %s case alone', (status) => {
    expect(decideRemediationDeadline(status)).toBeNull();
  });
});

describe('section 4 stories under the 2022-06-27 version', () => {
  const valid: RemediationDocument = {
    kind: 'BRAND_AUTHORIZATION', issuer: 'Brand Co.', validFrom: new Date('2023-01-01T00:00:00+08:00'), validUntil: new Date('2024-12-31T00:00:00+08:00'), sha256: 'c'.repeat(64),
  };

  it('first case, rejected then accepted inside the window: REMEDIED and fined 5,000 CNY', () => {
    const opening = openForgeryCase({ severity: 'STANDARD', caseNumber: 1, openedAt, ruleSet: ruleSetAt(openedAt) });
    if (opening.outcome !== 'REMEDIATION_WINDOW') throw new Error('expected a remediation window');
    decideRemediationSubmission({ status: 'OPEN', remediationClosesAt: opening.remediationClosesAt, documents: [valid], now: new Date('2023-10-03T10:00:00+08:00') });
    const rejected = decideRemediationReview({ status: 'REMEDIATION_SUBMITTED', accepted: false, remediationClosesAt: opening.remediationClosesAt, now: new Date('2023-10-05T10:00:00+08:00') });
    expect(rejected).toEqual({ status: 'OPEN' });
    decideRemediationSubmission({ status: rejected.status, remediationClosesAt: opening.remediationClosesAt, documents: [valid], now: new Date('2023-10-12T10:00:00+08:00') });
    const accepted = decideRemediationReview({ status: 'REMEDIATION_SUBMITTED', accepted: true, remediationClosesAt: opening.remediationClosesAt, now: new Date('2023-10-17T10:00:00+08:00') });
    expect(accepted).toEqual({ status: 'REMEDIED' });
    expect(remediatedFineFen(1, ruleSetAt(openedAt))).toBe(5_000 * 100);
  });

  it('second case, window closes without documents: UNREMEDIED, brand authorisation revoked, related items delisted, 10,000 CNY', () => {
    const opening = openForgeryCase({ severity: 'MINOR', caseNumber: 2, openedAt, ruleSet: v2022 });
    expect(opening).toEqual({ outcome: 'REMEDIATION_WINDOW', remediationClosesAt: closesAt });
    expect(decideRemediationDeadline('OPEN')).toEqual({ status: 'UNREMEDIED' });
    expect(codeOf(() => decideRemediationSubmission({ status: 'UNREMEDIED', remediationClosesAt: closesAt, documents: [valid], now: after(closesAt) }))).toBe('FORGERY.NOT_OPEN');
    expect(unremediedOutcome(v2022)).toEqual({ measures: ['BRAND_AUTHORIZATION_REVOCATION', 'DELIST_RELATED_ITEMS'], fineFen: 10_000 * 100 });
  });

  it('third case: clear-out at once, no window', () => {
    expect(openForgeryCase({ severity: 'MINOR', caseNumber: 3, openedAt, ruleSet: v2022 })).toEqual(CLEAR_OUT);
  });
});
