import { DomainError } from './domain-error';
import { addNaturalDays } from './natural-year';
import type { RuleSet } from './rule-set';

/**
 * Section 7 in exact money: the deposit as a ledger of integer fen (bigint, never a JS number past
 * 2^53). What was paid on entry, payments, refunds and fines; the balance and the shortfall follow.
 */
export interface DepositLedgerAccount {
  /** Null until the merchant's profile says what it must hold. */
  requiredFen: bigint | null;
  /** The deposit paid on entry: the first requirement known. */
  initialFen: bigint | null;
  paymentsFen: bigint;
  refundsFen: bigint;
  finesChargedFen: bigint;
  /** Set while a top-up window is open. */
  topUpDueAt: Date | null;
  /** A TERMINATION measure is in force: there is no store left to supervise. */
  terminated: boolean;
}

/**
 * Every amount and total of a ledger stays within ±(2^53 - 1) fen: exact as a JSON number (the
 * contract's integers), far inside PostgreSQL's bigint, so nothing can overflow or be rounded.
 */
export const LEDGER_LIMIT_FEN = BigInt(Number.MAX_SAFE_INTEGER);

export type DepositLedgerChange =
  | { kind: 'FINE_CHARGED' | 'FORFEITURE'; amountFen: bigint; reference: string }
  | { kind: 'FINE_REFUNDED'; amountFen: bigint; reference: string }
  | { kind: 'PAYMENT'; amountFen: bigint; reference: string }
  | { kind: 'REQUIREMENT'; requiredFen: bigint };

export type LedgerReview =
  | { action: 'NONE' }
  | { action: 'OPEN_TOP_UP_WINDOW'; topUpDueAt: Date; shortfallFen: bigint }
  /** toppedUp: the balance is back (supervision ends); otherwise the merchant was terminated meanwhile. */
  | { action: 'CLOSE_TOP_UP_WINDOW'; toppedUp: boolean };

/** A change posted: the account after it, what the review decided, and the change as subscribers see it. */
export interface DepositLedgerPosting {
  account: DepositLedgerAccount;
  review: LedgerReview;
  balanceFen: bigint;
  shortfallFen: bigint;
  /** Signed change of the balance (0 for a change of requirement). */
  change: { kind: DepositLedgerChange['kind']; amountFen: bigint; reference: string | null };
}

export const emptyDepositLedger = (): DepositLedgerAccount => ({
  requiredFen: null,
  initialFen: null,
  paymentsFen: 0n,
  refundsFen: 0n,
  finesChargedFen: 0n,
  topUpDueAt: null,
  terminated: false,
});

export function ledgerBalanceFen(account: Pick<DepositLedgerAccount, 'initialFen' | 'paymentsFen' | 'refundsFen' | 'finesChargedFen'>): bigint {
  return (account.initialFen ?? 0n) + account.paymentsFen + account.refundsFen - account.finesChargedFen;
}

/** What the balance lacks of the requirement; an unknown requirement is never short. */
export function ledgerShortfallFen(position: { requiredFen: bigint | null; balanceFen: bigint }): bigint {
  if (position.requiredFen === null) return 0n;
  const lacking = position.requiredFen - position.balanceFen;
  return lacking > 0n ? lacking : 0n;
}

/**
 * Section 7, after any change of balance or requirement: a shortfall opens a top-up window of the rule
 * data's days (a terminated merchant gets none, and an open one closes: there is no store left to
 * supervise); a balance back at the requirement closes it, which ends any supervision.
 */
export function reviewLedger(position: { requiredFen: bigint | null; balanceFen: bigint; topUpDueAt: Date | null }, context: { now: Date; terminated: boolean; ruleSet: RuleSet }): LedgerReview {
  const shortfallFen = ledgerShortfallFen(position);
  if (shortfallFen > 0n && position.topUpDueAt === null && !context.terminated) {
    return { action: 'OPEN_TOP_UP_WINDOW', topUpDueAt: addNaturalDays(context.now, context.ruleSet.depositTopUpDays), shortfallFen };
  }
  if (position.topUpDueAt !== null && shortfallFen === 0n) return { action: 'CLOSE_TOP_UP_WINDOW', toppedUp: true };
  if (position.topUpDueAt !== null && context.terminated) return { action: 'CLOSE_TOP_UP_WINDOW', toppedUp: false };
  return { action: 'NONE' };
}

/** When the top-up window closes: supervise the store if the shortfall remains and it is not supervised yet. */
export function decideLedgerTopUpDeadline(position: { requiredFen: bigint | null; balanceFen: bigint }, supervised: boolean): { supervise: boolean } {
  return { supervise: ledgerShortfallFen(position) > 0n && !supervised };
}

/** Forfeiture takes what is left of the deposit, never more; nothing while the deposit is unknown (no profile yet). */
export function ledgerForfeitureFen(account: DepositLedgerAccount): bigint | null {
  if (account.requiredFen === null) return null;
  const balance = ledgerBalanceFen(account);
  return balance > 0n ? balance : 0n;
}

/**
 * Posts one change to the ledger and reviews the result (section 7). A requirement that does not
 * change posts nothing (null); the first requirement known counts as the deposit paid on entry.
 * Refuses (DEPOSIT.LIMIT_EXCEEDED) a change that would take an amount or a total of the ledger past
 * LEDGER_LIMIT_FEN, and a negative amount (DEPOSIT.NEGATIVE_AMOUNT): the sign is the change's kind.
 */
export function postToDepositLedger(account: DepositLedgerAccount, change: DepositLedgerChange, context: { now: Date; ruleSet: RuleSet }): DepositLedgerPosting | null {
  const after: DepositLedgerAccount = { ...account };
  let signed: bigint;
  let reference: string | null;
  if (change.kind === 'REQUIREMENT') {
    if (account.requiredFen === change.requiredFen) return null;
    assertAmount('requiredFen', change.requiredFen);
    after.requiredFen = change.requiredFen;
    after.initialFen = account.initialFen ?? change.requiredFen;
    signed = 0n;
    reference = null;
  } else {
    assertAmount('amountFen', change.amountFen);
    reference = change.reference;
    if (change.kind === 'FINE_CHARGED' || change.kind === 'FORFEITURE') {
      after.finesChargedFen = account.finesChargedFen + change.amountFen;
      signed = -change.amountFen;
    } else if (change.kind === 'FINE_REFUNDED') {
      after.refundsFen = account.refundsFen + change.amountFen;
      signed = change.amountFen;
    } else {
      after.paymentsFen = account.paymentsFen + change.amountFen;
      signed = change.amountFen;
    }
  }
  const balanceFen = ledgerBalanceFen(after);
  for (const [name, total] of [['initialFen', after.initialFen ?? 0n], ['paymentsFen', after.paymentsFen], ['refundsFen', after.refundsFen], ['finesChargedFen', after.finesChargedFen], ['balanceFen', balanceFen]] as const) {
    if (total > LEDGER_LIMIT_FEN || total < -LEDGER_LIMIT_FEN) {
      throw new DomainError('DEPOSIT.LIMIT_EXCEEDED', `The deposit ledger cannot hold this change: its ${name} would be ${total} fen, beyond ±${LEDGER_LIMIT_FEN} fen.`);
    }
  }
  const review = reviewLedger({ requiredFen: after.requiredFen, balanceFen, topUpDueAt: after.topUpDueAt }, { now: context.now, terminated: after.terminated, ruleSet: context.ruleSet });
  if (review.action === 'OPEN_TOP_UP_WINDOW') after.topUpDueAt = review.topUpDueAt;
  else if (review.action === 'CLOSE_TOP_UP_WINDOW') after.topUpDueAt = null;
  return { account: after, review, balanceFen, shortfallFen: ledgerShortfallFen({ requiredFen: after.requiredFen, balanceFen }), change: { kind: change.kind, amountFen: signed, reference } };
}

function assertAmount(name: string, fen: bigint): void {
  if (fen < 0n) throw new DomainError('DEPOSIT.NEGATIVE_AMOUNT', `${name} must not be negative (${fen} fen).`);
  if (fen > LEDGER_LIMIT_FEN) throw new DomainError('DEPOSIT.LIMIT_EXCEEDED', `${name} of ${fen} fen is beyond the ledger's ${LEDGER_LIMIT_FEN} fen.`);
}

/** Fen as the contract's JSON integer: exact, or a loud failure (never a rounded amount). */
export function fenAsContractInteger(fen: bigint): number {
  if (fen > LEDGER_LIMIT_FEN || fen < -LEDGER_LIMIT_FEN) throw new RangeError(`${fen} fen is not exactly representable as a JSON number`);
  return Number(fen);
}
