import type { DeadlineKindDto } from './cases.dto';

export interface OpenDeadline {
  kind: DeadlineKindDto;
  closesAt: Date;
  reference: string;
  referenceKind: 'SANCTION' | 'VIOLATION' | 'FORGERY_CASE' | 'DEPOSIT' | 'EXAM_CHANCE';
}

/** What the read model knows of a merchant that carries deadlines. */
export interface DeadlineSources {
  sanctions: { sanctionId: string; appealDeadline: Date | null }[];
  forgeryCases: { caseId: string; status: string; remediationClosesAt: Date | null }[];
  examChances: { chanceId: string; status: string; offerViolationId: string | null; offerChoiceClosesAt: Date | null }[];
  appeals: { subjectId: string; subjectKind: string; status: string; round: number; secondAppealClosesAt: Date | null }[];
  deposit: { merchantId: string; topUpDueAt: Date | null } | null;
}

const SUBJECT_REFERENCE = { PENALTY: 'VIOLATION', SANCTION: 'SANCTION', FORGERY_CASE: 'FORGERY_CASE' } as const;

/**
 * The merchant's deadlines still open at `now`, soonest first: sanctions' appeal windows not yet
 * used, forgery remediation windows of open cases, exam choices offered on a chance still granted,
 * second appeals after a rejection, and the deposit top-up.
 */
export function openDeadlines(sources: DeadlineSources, now: Date): OpenDeadline[] {
  const ahead = (d: Date | null): d is Date => d !== null && d.getTime() > now.getTime();
  const appealedSubjects = new Set(sources.appeals.map((a) => a.subjectId));
  const deadlines: OpenDeadline[] = [
    ...sources.sanctions
      .filter((s) => ahead(s.appealDeadline) && !appealedSubjects.has(s.sanctionId))
      .map((s) => ({ kind: 'APPEAL_WINDOW' as const, closesAt: s.appealDeadline!, reference: s.sanctionId, referenceKind: 'SANCTION' as const })),
    ...sources.forgeryCases
      .filter((c) => (c.status === 'OPEN' || c.status === 'REMEDIATION_SUBMITTED') && ahead(c.remediationClosesAt))
      .map((c) => ({ kind: 'FORGERY_REMEDIATION' as const, closesAt: c.remediationClosesAt!, reference: c.caseId, referenceKind: 'FORGERY_CASE' as const })),
    ...sources.examChances
      .filter((e) => e.status === 'GRANTED' && e.offerViolationId !== null && ahead(e.offerChoiceClosesAt))
      .map((e) => ({ kind: 'EXAM_CHOICE' as const, closesAt: e.offerChoiceClosesAt!, reference: e.offerViolationId!, referenceKind: 'VIOLATION' as const })),
    ...sources.appeals
      .filter((a) => a.status === 'REJECTED' && a.round === 1 && ahead(a.secondAppealClosesAt) && !sources.appeals.some((b) => b.subjectId === a.subjectId && b.round === 2))
      .map((a) => ({ kind: 'APPEAL_WINDOW' as const, closesAt: a.secondAppealClosesAt!, reference: a.subjectId, referenceKind: SUBJECT_REFERENCE[a.subjectKind as keyof typeof SUBJECT_REFERENCE] ?? 'SANCTION' })),
    ...(sources.deposit && ahead(sources.deposit.topUpDueAt)
      ? [{ kind: 'DEPOSIT_TOP_UP' as const, closesAt: sources.deposit.topUpDueAt!, reference: sources.deposit.merchantId, referenceKind: 'DEPOSIT' as const }]
      : []),
  ];
  return deadlines.sort((a, b) => a.closesAt.getTime() - b.closesAt.getTime() || a.reference.localeCompare(b.reference));
}
