import { examChanceStatusAt, formatShanghai, type ExamChanceStatus } from '@penalty/domain';
import type { DepositViewDto } from './cases.dto';
import type { DepositDto, ExamChanceDto } from './standing.dto';

/** The deposit as the sanction service's ledger last told it (deposit.updated.v1). */
export interface DepositLedger {
  requiredFen: number | null;
  balanceFen: number;
  shortfallFen: number;
  topUpDueAt: Date | null;
}

/**
 * The standing's deposit: the ledger once the sanction service has spoken; before that, the
 * requirement of the profile as paid on entry, less the fines imposed. Without a profile the deposit
 * paid on entry is unknown, and so is the balance.
 */
export function standingDeposit(ledger: DepositLedger | null, profileRequiredFen: number | null, finesFen: number): DepositDto {
  if (ledger) {
    return {
      requiredFen: ledger.requiredFen,
      balanceFen: ledger.requiredFen === null ? null : ledger.balanceFen,
      topUpDueAt: ledger.topUpDueAt ? formatShanghai(ledger.topUpDueAt) : null,
    };
  }
  return { requiredFen: profileRequiredFen, balanceFen: profileRequiredFen === null ? null : profileRequiredFen - finesFen, topUpDueAt: null };
}

/** The deposit of the cases view: the ledger as told, the balance unknown while the requirement is. */
export function casesDeposit(ledger: DepositLedger | null): DepositViewDto | null {
  if (!ledger) return null;
  return {
    requiredFen: ledger.requiredFen,
    balanceFen: ledger.requiredFen === null ? null : ledger.balanceFen,
    shortfallFen: ledger.shortfallFen,
    topUpDueAt: ledger.topUpDueAt ? formatShanghai(ledger.topUpDueAt) : null,
  };
}

/**
 * The standing's exam chance: the merchant's chance of the current natural year as of `now` (a
 * GRANTED one past its expiry reads EXPIRED); without one, NOT_GRANTED for a merchant the profile
 * flags eligible, NOT_ELIGIBLE otherwise (no profile included).
 */
export function standingExamChance(chance: { status: ExamChanceStatus; expiresAt: Date } | null, examEligible: boolean | null, now: Date): ExamChanceDto {
  if (chance) return { status: examChanceStatusAt(chance, now), expiresAt: formatShanghai(chance.expiresAt) };
  return { status: examEligible ? 'NOT_GRANTED' : 'NOT_ELIGIBLE', expiresAt: null };
}
