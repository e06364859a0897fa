import { addNaturalDays } from './natural-year';
import type { RuleSet } from './rule-set';

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
  return position.requiredFen === null ? 0 : Math.max(0, position.requiredFen - position.balanceFen);
}

/**
 * Section 7, after any change of balance or requirement: a shortfall opens a top-up window of the rule
 * data's days (a terminated merchant gets none, and an open one closes: there is no store left to
 * supervise); a balance back at the requirement closes it, which ends any supervision.
 */
export function reviewDeposit(position: DepositPosition, context: { now: Date; terminated: boolean; ruleSet: RuleSet }): DepositReview {
  const shortfallFen = depositShortfallFen(position);
  if (shortfallFen > 0 && position.topUpDueAt === null && !context.terminated) {
    return { action: 'OPEN_TOP_UP_WINDOW', topUpDueAt: addNaturalDays(context.now, context.ruleSet.depositTopUpDays), shortfallFen };
  }
  if (position.topUpDueAt !== null && shortfallFen === 0) return { action: 'CLOSE_TOP_UP_WINDOW', toppedUp: true };
  if (position.topUpDueAt !== null && context.terminated) return { action: 'CLOSE_TOP_UP_WINDOW', toppedUp: false };
  return { action: 'NONE' };
}

/** When the top-up window closes: supervise the store if the shortfall remains and it is not supervised yet. */
export function decideTopUpDeadline(position: DepositPosition, supervised: boolean): { supervise: boolean } {
  return { supervise: depositShortfallFen(position) > 0 && !supervised };
}

/** A fine charged against the deposit takes the fine's amount; forfeiture takes what is left. */
export function forfeitureFen(balanceFen: number): number {
  return Math.max(0, balanceFen);
}
