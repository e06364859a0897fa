import { decideLedgerTopUpDeadline, ledgerShortfallFen, reviewLedger } from './deposit-ledger';
import type { RuleSet } from './rule-set';

// The rules live once, in exact fen (deposit-ledger.ts); these take and answer JS numbers for callers
// whose amounts are small integers.
const fen = (n: number | null) => (n === null ? null : BigInt(n));

/** What the platform knows of a merchant's deposit (section 7). */
export interface DepositPosition {
  /** Null until the merchant's profile says what it must hold. */
  requiredFen: number | null;
  balanceFen: number;
  /** Set while a top-up window is open. */
  topUpDueAt: Date | null;
}

export type DepositReview =
  | { action: 'NONE' }
  | { action: 'OPEN_TOP_UP_WINDOW'; topUpDueAt: Date; shortfallFen: number }
  /** toppedUp: the balance is back (supervision ends); otherwise the merchant was terminated meanwhile. */
  | { action: 'CLOSE_TOP_UP_WINDOW'; toppedUp: boolean };

export function depositShortfallFen(position: Pick<DepositPosition, 'requiredFen' | 'balanceFen'>): number {
  return Number(ledgerShortfallFen({ requiredFen: fen(position.requiredFen), balanceFen: BigInt(position.balanceFen) }));
}

/**
 * Section 7, after any change of balance or requirement: a shortfall opens a top-up window of the rule
 * data's days (a terminated merchant gets none, and an open one closes: there is no store left to
 * supervise); a balance back at the requirement closes it, which ends any supervision.
 */
export function reviewDeposit(position: DepositPosition, context: { now: Date; terminated: boolean; ruleSet: RuleSet }): DepositReview {
  const review = reviewLedger({ requiredFen: fen(position.requiredFen), balanceFen: BigInt(position.balanceFen), topUpDueAt: position.topUpDueAt }, context);
  return review.action === 'OPEN_TOP_UP_WINDOW' ? { ...review, shortfallFen: Number(review.shortfallFen) } : review;
}

/** When the top-up window closes: supervise the store if the shortfall remains and it is not supervised yet. */
export function decideTopUpDeadline(position: DepositPosition, supervised: boolean): { supervise: boolean } {
  return decideLedgerTopUpDeadline({ requiredFen: fen(position.requiredFen), balanceFen: BigInt(position.balanceFen) }, supervised);
}

/** A fine charged against the deposit takes the fine's amount; forfeiture takes what is left. */
export function forfeitureFen(balanceFen: number): number {
  return Math.max(0, balanceFen);
}
