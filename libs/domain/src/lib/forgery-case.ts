import { DomainError } from './domain-error';
import { addNaturalDays, formatShanghai } from './natural-year';
import type { RuleSet } from './rule-set';
import type { MeasureType, Severity } from './vocabulary';

/**
 * Section 4, qualification forgery. OPEN: the remediation (appeal) window runs; REMEDIATION_SUBMITTED:
 * documents wait for a reviewer; REMEDIED: accepted, fined by case number; UNREMEDIED: the window
 * closed without accepted documents; CLEARED_OUT: terminated (2019 rule, severe or repeated case);
 * REVOKED: an appeal against the case was accepted.
 */
export const FORGERY_CASE_STATUSES = ['OPEN', 'REMEDIATION_SUBMITTED', 'REMEDIED', 'UNREMEDIED', 'CLEARED_OUT', 'REVOKED'] as const;
export type ForgeryCaseStatus = (typeof FORGERY_CASE_STATUSES)[number];

export type ForgeryOpening =
  | { outcome: 'CLEAR_OUT'; measures: MeasureType[]; forfeitsDeposit: true }
  | { outcome: 'REMEDIATION_WINDOW'; remediationClosesAt: Date };

/**
 * What a new forgery case leads to under the rule version in force at the violation: the 2019 rule
 * clears out at once; the 2022 rule opens a remediation window, except for a severe case or the
 * merchant's third or later case, which clear out at once.
 */
export function openForgeryCase(input: { severity: Severity; caseNumber: number; openedAt: Date; ruleSet: RuleSet }): ForgeryOpening {
  const { ruleSet } = input;
  const rule = ruleSet.forgery;
  const clearOut = { outcome: 'CLEAR_OUT' as const, measures: [...ruleSet.forgeryClearOutMeasures], forfeitsDeposit: true as const };
  if (rule.kind === 'CLEAR_OUT') return clearOut;
  if ((rule.severeTerminates && input.severity === 'SEVERE') || input.caseNumber >= rule.terminateFromCaseNumber) return clearOut;
  return { outcome: 'REMEDIATION_WINDOW', remediationClosesAt: addNaturalDays(input.openedAt, rule.remediationWindowDays) };
}

/** A remediation document: within its validity period on the day it is submitted. */
export interface RemediationDocument {
  kind: string;
  issuer: string;
  validFrom: Date;
  validUntil: Date;
  sha256: string;
}

/**
 * The merchant submits remediation documents: only while the case is OPEN and its window runs, and
 * only documents within their validity period (chain completeness and truthfulness are the reviewer's).
 */
export function decideRemediationSubmission(input: { status: ForgeryCaseStatus; remediationClosesAt: Date | null; documents: readonly RemediationDocument[]; now: Date }): void {
  const { status, remediationClosesAt, documents, now } = input;
  if (status !== 'OPEN' || remediationClosesAt === null) throw new DomainError('FORGERY.NOT_OPEN', `The case is ${status}; remediation documents are taken only while it is OPEN.`);
  if (now.getTime() > remediationClosesAt.getTime()) throw new DomainError('FORGERY.WINDOW_CLOSED', `The remediation window closed at ${formatShanghai(remediationClosesAt)}.`);
  if (documents.length === 0) throw new DomainError('FORGERY.NO_DOCUMENTS', 'Remediation needs at least one document.');
  const outOfValidity = documents.filter((d) => d.validFrom.getTime() > now.getTime() || d.validUntil.getTime() < now.getTime());
  if (outOfValidity.length > 0) {
    throw new DomainError('FORGERY.DOCUMENT_NOT_VALID', `Documents outside their validity period: ${outOfValidity.map((d) => d.kind).join(', ')}.`);
  }
}

/** The fine once a reviewer accepts the remediation: by the merchant's case number (1st, 2nd). */
export function remediatedFineFen(caseNumber: number, ruleSet: RuleSet): number {
  const rule = ruleSet.forgery;
  if (rule.kind !== 'REMEDIATION') throw new DomainError('FORGERY.NO_REMEDIATION', `Rule version ${ruleSet.version} has no remediation.`);
  const fines = rule.fineFenByCaseNumber;
  return fines[Math.min(Math.max(caseNumber, 1), fines.length) - 1];
}

/** When the window closes without accepted documents: revoke the brand authorisation, delist the related items, fine. */
export function unremediedOutcome(ruleSet: RuleSet): { measures: MeasureType[]; fineFen: number } {
  const rule = ruleSet.forgery;
  if (rule.kind !== 'REMEDIATION') throw new DomainError('FORGERY.NO_REMEDIATION', `Rule version ${ruleSet.version} has no remediation.`);
  return { measures: [...ruleSet.forgeryUnremediedMeasures], fineFen: rule.unremediedFineFen };
}

/** Submitted documents wait for a reviewer: only then is there something to review, claim or release. */
export function assertRemediationUnderReview(status: ForgeryCaseStatus): void {
  if (status !== 'REMEDIATION_SUBMITTED') throw new DomainError('FORGERY.NOTHING_TO_REVIEW', `The case is ${status}; no documents wait for review.`);
}

/**
 * A reviewer decides submitted documents. Accepted: the case is REMEDIED. Rejected: the merchant may
 * submit again while the window runs; after it the case is UNREMEDIED at once.
 */
export function decideRemediationReview(input: { status: ForgeryCaseStatus; accepted: boolean; remediationClosesAt: Date; now: Date }): { status: ForgeryCaseStatus } {
  assertRemediationUnderReview(input.status);
  if (input.accepted) return { status: 'REMEDIED' };
  return { status: input.now.getTime() > input.remediationClosesAt.getTime() ? 'UNREMEDIED' : 'OPEN' };
}

/** The window closes: an OPEN case is UNREMEDIED; a case with documents under review waits for the reviewer. */
export function decideRemediationDeadline(status: ForgeryCaseStatus): { status: ForgeryCaseStatus } | null {
  return status === 'OPEN' ? { status: 'UNREMEDIED' } : null;
}
