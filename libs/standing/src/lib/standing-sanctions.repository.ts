import { Injectable } from '@nestjs/common';
import type { Tx } from '@penalty/messaging';

export interface SanctionRow {
  sanctionId: string;
  merchantId: string;
  fineFen: number | null;
  appealDeadline: string;
  decidedAt: string;
  kind: string;
  node: number | null;
  /** The track of the node's ladder (ladder sanctions only). */
  track: string | null;
}

/** A measure imposed in the batch, lifted already if a later event of the same batch lifted it. */
export interface ImposedMeasureRow {
  sanctionId: string;
  merchantId: string;
  type: string;
  endsAt: string | null;
  liftedAt: string | null;
}

/** The first lift of a measure in the batch. */
export interface MeasureLiftRow {
  sanctionId: string;
  type: string;
  liftedAt: string;
}

/** The only SQL that writes standing_sanction and standing_measure: one statement per table and batch. */
@Injectable()
export class StandingSanctionsRepository {
  /** Records each sanction once; a sanction already known keeps its row. */
  async insertSanctions(tx: Tx, rows: readonly SanctionRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO standing_sanction (sanction_id, merchant_id, fine_fen, appeal_deadline, decided_at, kind, node, track)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::int[], $8::text[])
       ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.sanctionId), rows.map((r) => r.merchantId), rows.map((r) => r.fineFen), rows.map((r) => r.appealDeadline), rows.map((r) => r.decidedAt), rows.map((r) => r.kind), rows.map((r) => r.node), rows.map((r) => r.track)],
    );
  }

  /**
   * Inserts the measures imposed in the batch (a measure already known keeps its row) and lifts the
   * measures known before the batch that are not lifted yet, in one statement. The UPDATE does not
   * see the rows the INSERT adds (one snapshot per statement), so it touches only measures known
   * before: those imposed in the batch come with their lift already applied (`liftedAt`).
   */
  async imposeAndLift(tx: Tx, imposed: readonly ImposedMeasureRow[], lifts: readonly MeasureLiftRow[]): Promise<void> {
    if (imposed.length === 0 && lifts.length === 0) return;
    await tx.query(
      `WITH imposed AS (
         INSERT INTO standing_measure (sanction_id, merchant_id, type, ends_at, lifted_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
         ON CONFLICT DO NOTHING
       )
       UPDATE standing_measure m SET lifted_at = l.lifted_at
       FROM unnest($6::text[], $7::text[], $8::timestamptz[]) AS l(sanction_id, type, lifted_at)
       WHERE m.sanction_id = l.sanction_id AND m.type = l.type AND m.lifted_at IS NULL`,
      [
        imposed.map((r) => r.sanctionId), imposed.map((r) => r.merchantId), imposed.map((r) => r.type), imposed.map((r) => r.endsAt), imposed.map((r) => r.liftedAt),
        lifts.map((r) => r.sanctionId), lifts.map((r) => r.type), lifts.map((r) => r.liftedAt),
      ],
    );
  }
}
