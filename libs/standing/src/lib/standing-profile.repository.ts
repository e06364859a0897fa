import { Injectable } from '@nestjs/common';
import type { Tx } from '@penalty/messaging';

export interface ProfileRow {
  merchantId: string;
  requiredFen: number;
  examEligible: boolean;
  marketplace: string;
  displayName: string | null;
  storeName: string | null;
  updatedAt: string;
}

/** The only SQL that writes standing_profile. */
@Injectable()
export class StandingProfileRepository {
  /** Overwrites each merchant's profile; `rows` holds one row per merchant. */
  async upsertLatest(tx: Tx, rows: readonly ProfileRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO standing_profile (merchant_id, required_fen, exam_eligible, updated_at, marketplace, display_name, store_name)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::boolean[], $4::timestamptz[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT (merchant_id) DO UPDATE SET required_fen = EXCLUDED.required_fen, exam_eligible = EXCLUDED.exam_eligible, updated_at = EXCLUDED.updated_at,
         marketplace = EXCLUDED.marketplace, display_name = EXCLUDED.display_name, store_name = EXCLUDED.store_name`,
      [
        rows.map((r) => r.merchantId),
        rows.map((r) => r.requiredFen),
        rows.map((r) => r.examEligible),
        rows.map((r) => r.updatedAt),
        rows.map((r) => r.marketplace),
        rows.map((r) => r.displayName),
        rows.map((r) => r.storeName),
      ],
    );
  }
}
