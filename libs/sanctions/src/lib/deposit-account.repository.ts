import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { DepositLedgerAccount, StoreType, TrademarkStatus } from '@penalty/domain';
import type { Tx } from '@penalty/messaging';
import { openMeasureOf, openMeasuresJson, type OpenMeasureRecord } from './sanction.repository';

/** What the merchant's profile says (merchants.profiles.v1), kept on the account. */
export interface MerchantProfileColumns {
  storeType: StoreType;
  trademarkStatus: TrademarkStatus;
  categories: readonly string[];
  examEligible: boolean;
  /** The marketplace the profile names (null: the deployment's default). */
  marketplace: string | null;
}

/** A merchant's account: its deposit ledger, and the measures that matter to it (supervision, termination) not lifted yet. */
export interface DepositAccountRecord {
  merchantId: string;
  ledger: DepositLedgerAccount;
  openMeasures: OpenMeasureRecord[];
  /** From the latest profile (null: none named, or no profile yet: the deployment's default). */
  marketplace: string | null;
}

/** An account to write: its ledger after the batch, and the profile when one came. */
export interface DepositAccountChange {
  merchantId: string;
  ledger: DepositLedgerAccount;
  profile?: MerchantProfileColumns;
}

interface AccountRow {
  merchant_id: string;
  required_fen: string | null;
  initial_fen: string | null;
  payments_fen: string;
  refunds_fen: string;
  fines_charged_fen: string;
  top_up_due_at: Date | null;
  marketplace: string | null;
  open_measures: Parameters<typeof openMeasureOf>[0][];
}

const COLUMNS = `merchant_id, required_fen::text, initial_fen::text, payments_fen::text, refunds_fen::text, fines_charged_fen::text, top_up_due_at, marketplace,
  ${openMeasuresJson(`m.merchant_id = merchant_account.merchant_id AND m.type IN ('STORE_SUPERVISION', 'TERMINATION')`)} AS open_measures`;

const fen = (v: string | null) => (v === null ? null : BigInt(v));
const text = (v: bigint | null) => (v === null ? null : v.toString());

function recordOf(row: AccountRow): DepositAccountRecord {
  const openMeasures = row.open_measures.map(openMeasureOf);
  return {
    merchantId: row.merchant_id,
    ledger: {
      requiredFen: fen(row.required_fen),
      initialFen: fen(row.initial_fen),
      paymentsFen: BigInt(row.payments_fen),
      refundsFen: BigInt(row.refunds_fen),
      finesChargedFen: BigInt(row.fines_charged_fen),
      topUpDueAt: row.top_up_due_at ? new Date(row.top_up_due_at) : null,
      terminated: openMeasures.some((m) => m.type === 'TERMINATION'),
    },
    openMeasures,
    marketplace: row.marketplace,
  };
}

/**
 * The only SQL of the merchant account (the deposit ledger and the profile it follows) and of deposit
 * payments. Amounts travel as text and are bigint on both sides: fen are never a JS number here.
 */
@Injectable()
export class DepositAccountRepository {
  /**
   * Locks the accounts of `merchantIds` (FOR UPDATE, as an upsert does), creating the missing ones
   * empty (a merchant fined before its first profile), in one statement.
   */
  async lockOrCreate(tx: Tx, merchantIds: readonly string[], now: Date): Promise<DepositAccountRecord[]> {
    if (merchantIds.length === 0) return [];
    const rows = await tx.query<AccountRow>(
      `INSERT INTO merchant_account (merchant_id, updated_at) SELECT unnest($1::text[]), $2
       ON CONFLICT (merchant_id) DO UPDATE SET updated_at = merchant_account.updated_at
       RETURNING ${COLUMNS}`,
      [[...new Set(merchantIds)].sort(), now],
    );
    return rows.map(recordOf);
  }

  /** An account as it is, for reading (no lock, nothing created); null when the merchant is unknown. */
  async find(dataSource: DataSource, merchantId: string): Promise<DepositAccountRecord | null> {
    const [row]: AccountRow[] = await dataSource.query(`SELECT ${COLUMNS} FROM merchant_account WHERE merchant_id = $1`, [merchantId]);
    return row ? recordOf(row) : null;
  }

  /** Writes the accounts' ledgers (and profiles) after a batch, in one statement; the rows were locked by lockOrCreate. */
  async write(tx: Tx, accounts: readonly DepositAccountChange[], now: Date): Promise<void> {
    if (accounts.length === 0) return;
    await tx.query(
      `UPDATE merchant_account a SET
         required_fen = c.required_fen, initial_fen = c.initial_fen, payments_fen = c.payments_fen, refunds_fen = c.refunds_fen,
         fines_charged_fen = c.fines_charged_fen, top_up_due_at = c.top_up_due_at,
         store_type = CASE WHEN c.has_profile THEN c.store_type ELSE a.store_type END,
         trademark_status = CASE WHEN c.has_profile THEN c.trademark_status ELSE a.trademark_status END,
         categories = CASE WHEN c.has_profile THEN c.categories ELSE a.categories END,
         exam_eligible = CASE WHEN c.has_profile THEN c.exam_eligible ELSE a.exam_eligible END,
         marketplace = CASE WHEN c.has_profile THEN c.marketplace ELSE a.marketplace END,
         updated_at = $13
       FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::timestamptz[], $8::boolean[], $9::text[], $10::text[], $11::jsonb[], $12::boolean[], $14::text[])
         AS c (merchant_id, required_fen, initial_fen, payments_fen, refunds_fen, fines_charged_fen, top_up_due_at, has_profile, store_type, trademark_status, categories, exam_eligible, marketplace)
       WHERE a.merchant_id = c.merchant_id`,
      [
        accounts.map((a) => a.merchantId),
        accounts.map((a) => text(a.ledger.requiredFen)),
        accounts.map((a) => text(a.ledger.initialFen)),
        accounts.map((a) => a.ledger.paymentsFen.toString()),
        accounts.map((a) => a.ledger.refundsFen.toString()),
        accounts.map((a) => a.ledger.finesChargedFen.toString()),
        accounts.map((a) => a.ledger.topUpDueAt),
        accounts.map((a) => a.profile !== undefined),
        accounts.map((a) => a.profile?.storeType ?? null),
        accounts.map((a) => a.profile?.trademarkStatus ?? null),
        accounts.map((a) => (a.profile ? JSON.stringify(a.profile.categories) : null)),
        accounts.map((a) => a.profile?.examEligible ?? null),
        now,
        accounts.map((a) => a.profile?.marketplace ?? null),
      ],
    );
  }

  /** A payment recorded before under `paymentId`, whoever it was for. */
  async findPayment(tx: Tx, paymentId: string): Promise<{ merchantId: string; amountFen: bigint } | null> {
    const [row] = await tx.query<{ merchant_id: string; amount_fen: string }>('SELECT merchant_id, amount_fen::text FROM deposit_payment WHERE payment_id = $1', [paymentId]);
    return row ? { merchantId: row.merchant_id, amountFen: BigInt(row.amount_fen) } : null;
  }

  /** Records a payment once per payment id; answers false when the id was already recorded. */
  async recordPayment(tx: Tx, payment: { paymentId: string; merchantId: string; amountFen: bigint; recordedBy: string; recordedAt: Date }): Promise<boolean> {
    const inserted = await tx.query(
      `INSERT INTO deposit_payment (payment_id, merchant_id, amount_fen, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id`,
      [payment.paymentId, payment.merchantId, payment.amountFen.toString(), payment.recordedBy, payment.recordedAt],
    );
    return inserted.length > 0;
  }
}
