import { examChanceStatusAt, type ExamChanceStatus } from '@penalty/domain';
import type { DeadlineKindDto, DeadlineReferenceKindDto } from './cases.dto';

export interface OpenDeadline {
  kind: DeadlineKindDto;
  closesAt: Date;
  reference: string;
  referenceKind: DeadlineReferenceKindDto;
}

/** What the read model knows of a merchant that carries deadlines. */
export interface DeadlineSources {
  sanctions: { sanctionId: string; appealDeadline: Date | null }[];
  forgeryCases: { caseId: string; status: string; remediationClosesAt: Date | null }[];
  /** Each chance with every exam choice offered on it (one per exam-eligible violation assessed while it was GRANTED). */
  examChances: { chanceId: string; status: ExamChanceStatus; expiresAt: Date; offers: { violationId: string; choiceClosesAt: Date }[] }[];
  appeals: { subjectId: string; subjectKind: string; status: string; round: number; secondAppealClosesAt: Date | null }[];
  deposit: { merchantId: string; topUpDueAt: Date | null } | null;
}

const SUBJECT_REFERENCE = { PENALTY: 'VIOLATION', SANCTION: 'SANCTION', FORGERY_CASE: 'FORGERY_CASE' } as const;

/**
 * The merchant's deadlines still open at `now`, soonest first (ties by reference): sanctions' appeal
 * windows not yet used, forgery remediation windows of cases still open (or with documents under
 * review, which a rejection reopens while the window runs), exam choices offered on a chance still
 * GRANTED (a choice cannot outlive the chance: it closes at the chance's expiry at the latest), the
 * one second appeal after a first rejection, and the deposit top-up.
 */
export function openDeadlines(sources: DeadlineSources, now: Date): OpenDeadline[] {
  const ahead = (d: Date | null): d is Date => d !== null && d.getTime() > now.getTime();
  const appealedSubjects = new Set(sources.appeals.map((a) => a.subjectId));
  const secondAppealed = new Set(sources.appeals.filter((a) => a.round === 2).map((a) => a.subjectId));
  const deadlines: OpenDeadline[] = [
    ...sources.sanctions
      .filter((s) => ahead(s.appealDeadline) && !appealedSubjects.has(s.sanctionId))
      .map((s) => ({ kind: 'APPEAL_WINDOW' as const, closesAt: s.appealDeadline!, reference: s.sanctionId, referenceKind: 'SANCTION' as const })),
    ...sources.forgeryCases
      .filter((c) => (c.status === 'OPEN' || c.status === 'REMEDIATION_SUBMITTED') && ahead(c.remediationClosesAt))
      .map((c) => ({ kind: 'FORGERY_REMEDIATION' as const, closesAt: c.remediationClosesAt!, reference: c.caseId, referenceKind: 'FORGERY_CASE' as const })),
    ...sources.examChances
      .filter((e) => examChanceStatusAt(e, now) === 'GRANTED')
      .flatMap((e) => e.offers.map((o) => ({ violationId: o.violationId, closesAt: o.choiceClosesAt.getTime() < e.expiresAt.getTime() ? o.choiceClosesAt : e.expiresAt })))
      .filter((o) => ahead(o.closesAt))
      .map((o) => ({ kind: 'EXAM_CHOICE' as const, closesAt: o.closesAt, reference: o.violationId, referenceKind: 'VIOLATION' as const })),
    ...sources.appeals
      .filter((a) => a.status === 'REJECTED' && a.round === 1 && ahead(a.secondAppealClosesAt) && !secondAppealed.has(a.subjectId))
      .map((a) => ({
        kind: 'APPEAL_WINDOW' as const,
        closesAt: a.secondAppealClosesAt!,
        reference: a.subjectId,
        referenceKind: SUBJECT_REFERENCE[a.subjectKind as keyof typeof SUBJECT_REFERENCE] ?? ('SANCTION' as const),
      })),
    ...(sources.deposit && ahead(sources.deposit.topUpDueAt)
      ? [{ kind: 'DEPOSIT_TOP_UP' as const, closesAt: sources.deposit.topUpDueAt, reference: sources.deposit.merchantId, referenceKind: 'DEPOSIT' as const }]
      : []),
  ];
  return deadlines.sort((a, b) => a.closesAt.getTime() - b.closesAt.getTime() || a.reference.localeCompare(b.reference) || a.kind.localeCompare(b.kind));
}
