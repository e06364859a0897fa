import { DomainError } from './domain-error';
import { addNaturalDays, formatShanghai } from './natural-year';
import type { RuleSet } from './rule-set';

/** What a merchant can appeal (section 5): points, a sanction, a forgery case. */
export const APPEAL_SUBJECT_KINDS = ['PENALTY', 'SANCTION', 'FORGERY_CASE'] as const;
export type AppealSubjectKind = (typeof APPEAL_SUBJECT_KINDS)[number];

export const APPEAL_STATUSES = ['PENDING', 'ACCEPTED', 'REJECTED'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/** Why appeals fail, as the source lists them; a reviewer picks one when rejecting. */
export const APPEAL_REJECTION_REASONS = [
  'MATERIALS_NOT_GENUINE',
  'MATERIALS_INCOMPLETE',
  'IP_DISPUTE_UNRESOLVED',
  'RULES_MISUNDERSTOOD',
  'WINDOW_MISSED',
] as const;
export type AppealRejectionReason = (typeof APPEAL_REJECTION_REASONS)[number];

export const APPEAL_DECISIONS = ['ACCEPTED', 'REJECTED'] as const;
export type AppealDecision = (typeof APPEAL_DECISIONS)[number];

/** An evidence document as far as the rules need it: its content hash (SHA-256, hex). */
export interface EvidenceDigest {
  sha256: string;
}

/** An appeal already filed against the same decision. */
export interface FiledAppeal {
  round: number;
  status: AppealStatus;
  decidedAt: Date | null;
  /** The documents it carried (none known: treated as none). */
  evidence?: readonly EvidenceDigest[];
}

/** The appeal window a decision opens: the rule version's days from the decision. */
export function appealWindowCloses(decidedAt: Date, ruleSet: RuleSet): Date {
  return addNaturalDays(decidedAt, ruleSet.appealWindowDays);
}

/** The second appeal's window: the original one, or the grace days after the rejection if that is later. */
export function secondAppealCloses(decidedAt: Date, rejectedAt: Date, ruleSet: RuleSet): Date {
  const original = appealWindowCloses(decidedAt, ruleSet);
  const grace = addNaturalDays(rejectedAt, ruleSet.secondAppealGraceDays);
  return grace.getTime() > original.getTime() ? grace : original;
}

/**
 * Section 5: may the merchant appeal this decision now, with this evidence? Returns the round (1, or
 * 2 after a rejection) and the window it is filed in; refuses with a coded reason otherwise (late
 * appeals at once, and a second appeal that brings no document the rejected one did not carry: the
 * second appeal is "with new evidence"). Documents are the same when their content hashes are.
 */
export function decideAppealFiling(input: {
  decidedAt: Date;
  now: Date;
  previous: readonly FiledAppeal[];
  evidence: readonly EvidenceDigest[];
  ruleSet: RuleSet;
}): { round: 1 | 2; windowClosesAt: Date } {
  const { decidedAt, now, previous, ruleSet } = input;
  if (previous.some((a) => a.status === 'PENDING')) throw new DomainError('APPEAL.PENDING', 'An appeal against this decision is still waiting for a reviewer.');
  if (previous.some((a) => a.status === 'ACCEPTED')) throw new DomainError('APPEAL.ALREADY_ACCEPTED', 'An appeal against this decision was already accepted.');
  if (previous.length >= 2) throw new DomainError('APPEAL.NO_MORE_APPEALS', 'This decision was appealed twice; no further appeal is possible.');
  const round = previous.length === 0 ? 1 : 2;
  const rejectedAt = previous[0]?.decidedAt;
  const windowClosesAt = round === 1 || !rejectedAt ? appealWindowCloses(decidedAt, ruleSet) : secondAppealCloses(decidedAt, rejectedAt, ruleSet);
  if (now.getTime() > windowClosesAt.getTime()) {
    throw new DomainError('APPEAL.WINDOW_CLOSED', `The ${round === 1 ? 'appeal' : 'second appeal'} window closed at ${formatShanghai(windowClosesAt)}.`);
  }
  if (round === 2) {
    const seen = new Set(previous.flatMap((a) => (a.evidence ?? []).map(digestOf)));
    if (!input.evidence.some((d) => !seen.has(digestOf(d)))) {
      throw new DomainError('APPEAL.NO_NEW_EVIDENCE', 'A second appeal must bring new evidence: every document given was already in the rejected appeal.');
    }
  }
  return { round, windowClosesAt };
}

const digestOf = (d: EvidenceDigest) => d.sha256.toLowerCase();

/** A reviewer's decision on a pending appeal: a rejection names one of the source's reasons, an acceptance none. */
export function decideAppealReview(input: { status: AppealStatus; decision: AppealDecision; rejectionReason?: AppealRejectionReason | null }): { status: AppealDecision; rejectionReason: AppealRejectionReason | null } {
  if (input.status !== 'PENDING') throw new DomainError('APPEAL.ALREADY_DECIDED', `The appeal was already ${input.status.toLowerCase()}.`);
  if (input.decision === 'REJECTED') {
    if (!input.rejectionReason) throw new DomainError('APPEAL.REJECTION_REASON_REQUIRED', `A rejection names one of: ${APPEAL_REJECTION_REASONS.join(', ')}.`);
    return { status: 'REJECTED', rejectionReason: input.rejectionReason };
  }
  if (input.rejectionReason) throw new DomainError('APPEAL.UNEXPECTED_REJECTION_REASON', 'An accepted appeal has no rejection reason.');
  return { status: 'ACCEPTED', rejectionReason: null };
}
