import { openForgeryCase, type ForgeryCaseStatus, type ForgeryOpening } from './forgery-case';
import type { RuleSet } from './rule-set';
import type { Severity } from './vocabulary';

/** A forgery case already open or closed for a merchant. */
export interface KnownForgeryCase {
  merchantId: string;
  violationId: string;
  status: ForgeryCaseStatus;
}

export interface ForgeryDetected {
  merchantId: string;
  violationId: string;
  severity: Severity;
  occurredAt: Date;
}

export type ForgeryCaseOpening<V extends ForgeryDetected = ForgeryDetected> =
  | { kind: 'OPENED'; violation: V; caseNumber: number; ruleSet: RuleSet; opening: ForgeryOpening }
  /** The violationId already has a case (a repeat under another event id): nothing opens. */
  | { kind: 'DUPLICATE'; violation: V };

/**
 * Section 4 over a batch: each detected forgery in order opens the merchant's next case, numbered
 * after its cases not revoked by an appeal (a revoked case does not count as a forgery), under the
 * rule version in force at the violation's occurredAt: the 2019 rule clears out at once; the 2022 rule
 * opens a remediation window, unless the case is severe or the merchant's third or later.
 */
export function openForgeryCases<V extends ForgeryDetected>(
  violations: readonly V[],
  known: readonly KnownForgeryCase[],
  /** `ruleSetAt`: the version in force at a violation's occurredAt (for its marketplace, which the caller knows from `violation`). */
  context: { openedAt: Date; ruleSetAt: (occurredAt: Date, violation: V) => RuleSet },
): ForgeryCaseOpening<V>[] {
  const seen = new Set(known.map((c) => c.violationId));
  const counted = new Map<string, number>();
  for (const c of known) if (c.status !== 'REVOKED') counted.set(c.merchantId, (counted.get(c.merchantId) ?? 0) + 1);
  return violations.map((violation) => {
    if (seen.has(violation.violationId)) return { kind: 'DUPLICATE', violation };
    seen.add(violation.violationId);
    const caseNumber = (counted.get(violation.merchantId) ?? 0) + 1;
    counted.set(violation.merchantId, caseNumber);
    const ruleSet = context.ruleSetAt(violation.occurredAt, violation);
    return { kind: 'OPENED', violation, caseNumber, ruleSet, opening: openForgeryCase({ severity: violation.severity, caseNumber, openedAt: context.openedAt, ruleSet }) };
  });
}
