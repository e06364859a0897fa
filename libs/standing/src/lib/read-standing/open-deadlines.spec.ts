import { openDeadlines, type DeadlineSources } from './open-deadlines';

const now = new Date('2026-11-23T10:00:00+08:00');
const at = (iso: string) => new Date(iso);
const yearEnd = new Date('2027-01-01T00:00:00+08:00');
const none: DeadlineSources = { sanctions: [], forgeryCases: [], examChances: [], appeals: [], deposit: null };

describe('openDeadlines', () => {
  it('lists every kind still open, soonest first', () => {
    const deadlines = openDeadlines(
      {
        sanctions: [{ sanctionId: 's-1', appealDeadline: at('2026-12-08T10:00:00+08:00') }],
        forgeryCases: [{ caseId: 'c-1', status: 'OPEN', remediationClosesAt: at('2026-12-01T10:00:00+08:00') }],
        examChances: [{ chanceId: 'e-1', status: 'GRANTED', expiresAt: yearEnd, offers: [{ violationId: 'v-1', choiceClosesAt: at('2026-11-30T10:00:00+08:00') }] }],
        appeals: [{ subjectId: 's-9', subjectKind: 'SANCTION', status: 'REJECTED', round: 1, secondAppealClosesAt: at('2026-11-28T10:00:00+08:00') }],
        deposit: { merchantId: 'm-1', topUpDueAt: at('2026-12-05T10:00:00+08:00') },
      },
      now,
    );
    expect(deadlines.map((d) => [d.kind, d.reference, d.referenceKind])).toEqual([
      ['APPEAL_WINDOW', 's-9', 'SANCTION'],
      ['EXAM_CHOICE', 'v-1', 'VIOLATION'],
      ['FORGERY_REMEDIATION', 'c-1', 'FORGERY_CASE'],
      ['DEPOSIT_TOP_UP', 'm-1', 'DEPOSIT'],
      ['APPEAL_WINDOW', 's-1', 'SANCTION'],
    ]);
  });

  it('leaves out deadlines that passed, were used or were settled', () => {
    const deadlines = openDeadlines(
      {
        sanctions: [
          { sanctionId: 's-past', appealDeadline: at('2026-11-23T10:00:00+08:00') },
          { sanctionId: 's-appealed', appealDeadline: at('2026-12-08T10:00:00+08:00') },
        ],
        forgeryCases: [
          { caseId: 'c-remedied', status: 'REMEDIED', remediationClosesAt: at('2026-12-01T10:00:00+08:00') },
          { caseId: 'c-cleared', status: 'CLEARED_OUT', remediationClosesAt: null },
        ],
        examChances: [
          { chanceId: 'e-chosen', status: 'CHOSEN', expiresAt: yearEnd, offers: [{ violationId: 'v-1', choiceClosesAt: at('2026-11-30T10:00:00+08:00') }] },
          { chanceId: 'e-no-offer', status: 'GRANTED', expiresAt: yearEnd, offers: [] },
          { chanceId: 'e-closed-offer', status: 'GRANTED', expiresAt: yearEnd, offers: [{ violationId: 'v-4', choiceClosesAt: at('2026-11-22T10:00:00+08:00') }] },
        ],
        appeals: [
          { subjectId: 's-appealed', subjectKind: 'SANCTION', status: 'PENDING', round: 1, secondAppealClosesAt: null },
          { subjectId: 'v-2', subjectKind: 'PENALTY', status: 'REJECTED', round: 1, secondAppealClosesAt: at('2026-11-28T10:00:00+08:00') },
          { subjectId: 'v-2', subjectKind: 'PENALTY', status: 'PENDING', round: 2, secondAppealClosesAt: null },
        ],
        deposit: { merchantId: 'm-1', topUpDueAt: null },
      },
      now,
    );
    expect(deadlines).toEqual([]);
  });

  it('names a second appeal on a penalty by its violation', () => {
    const [deadline] = openDeadlines(
      { ...none, appeals: [{ subjectId: 'v-3', subjectKind: 'PENALTY', status: 'REJECTED', round: 1, secondAppealClosesAt: at('2026-11-28T10:00:00+08:00') }] },
      now,
    );
    expect(deadline).toEqual({ kind: 'APPEAL_WINDOW', closesAt: at('2026-11-28T10:00:00+08:00'), reference: 'v-3', referenceKind: 'VIOLATION' });
  });

  it('lists every exam choice still open on a granted chance, each by its violation', () => {
    const deadlines = openDeadlines(
      {
        ...none,
        examChances: [
          {
            chanceId: 'e-1', status: 'GRANTED', expiresAt: yearEnd,
            offers: [
              { violationId: 'v-old', choiceClosesAt: at('2026-11-20T10:00:00+08:00') },
              { violationId: 'v-b', choiceClosesAt: at('2026-12-02T10:00:00+08:00') },
              { violationId: 'v-a', choiceClosesAt: at('2026-11-25T10:00:00+08:00') },
            ],
          },
        ],
      },
      now,
    );
    expect(deadlines.map((d) => [d.kind, d.reference, d.closesAt.toISOString()])).toEqual([
      ['EXAM_CHOICE', 'v-a', at('2026-11-25T10:00:00+08:00').toISOString()],
      ['EXAM_CHOICE', 'v-b', at('2026-12-02T10:00:00+08:00').toISOString()],
    ]);
  });

  it('closes an exam choice with its chance: at the expiry at the latest, and not at all once expired', () => {
    const lateOffer = { violationId: 'v-late', choiceClosesAt: at('2027-01-10T10:00:00+08:00') };
    const [capped] = openDeadlines({ ...none, examChances: [{ chanceId: 'e-1', status: 'GRANTED', expiresAt: yearEnd, offers: [lateOffer] }] }, now);
    expect(capped).toEqual({ kind: 'EXAM_CHOICE', closesAt: yearEnd, reference: 'v-late', referenceKind: 'VIOLATION' });
    const afterYearEnd = at('2027-01-02T10:00:00+08:00');
    expect(openDeadlines({ ...none, examChances: [{ chanceId: 'e-1', status: 'GRANTED', expiresAt: yearEnd, offers: [lateOffer] }] }, afterYearEnd)).toEqual([]);
  });

  it('keeps a forgery window open while documents are under review, and ends it once the case is decided', () => {
    const closes = at('2026-12-01T10:00:00+08:00');
    const kinds = (status: string) => openDeadlines({ ...none, forgeryCases: [{ caseId: 'c-1', status, remediationClosesAt: closes }] }, now).map((d) => d.kind);
    expect(kinds('REMEDIATION_SUBMITTED')).toEqual(['FORGERY_REMEDIATION']);
    for (const status of ['REMEDIED', 'UNREMEDIED', 'CLEARED_OUT', 'REVOKED']) expect(kinds(status)).toEqual([]);
  });

  it('counts a deadline closing exactly now as closed', () => {
    expect(openDeadlines({ ...none, deposit: { merchantId: 'm-1', topUpDueAt: now }, sanctions: [{ sanctionId: 's-1', appealDeadline: now }] }, now)).toEqual([]);
  });
});
