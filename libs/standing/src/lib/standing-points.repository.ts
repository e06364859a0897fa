import { Injectable } from '@nestjs/common';
import type { Tx } from '@penalty/messaging';

/** A merchant's totals for a natural year, as the latest penalty event of the batch says. */
export interface PointsTotalsRow {
  merchantId: string;
  naturalYear: number;
  general: number;
  serious: number;
}

/** One points decision (assessed or adjusted), kept for the merchant's timeline. */
export interface PenaltyEventRow {
  eventId: string;
  merchantId: string;
  type: string;
  violationId: string;
  track: string;
  points: number;
  waiver: string | null;
  naturalYear: number;
  at: string;
}

/** The only SQL that writes standing_points and standing_penalty_event: one statement per table and batch. */
@Injectable()
export class StandingPointsRepository {
  /** Overwrites each (merchant, year)'s totals; `rows` holds one row per key. */
  async upsertTotals(tx: Tx, rows: readonly PointsTotalsRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO standing_points (merchant_id, natural_year, general, serious)
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[])
       ON CONFLICT (merchant_id, natural_year) DO UPDATE SET general = EXCLUDED.general, serious = EXCLUDED.serious`,
      [rows.map((r) => r.merchantId), rows.map((r) => r.naturalYear), rows.map((r) => r.general), rows.map((r) => r.serious)],
    );
  }

  /** Keeps every decision once (by event id). */
  async recordEvents(tx: Tx, rows: readonly PenaltyEventRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO standing_penalty_event (event_id, merchant_id, type, violation_id, track, points, waiver, natural_year, at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[], $9::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [
        rows.map((r) => r.eventId), rows.map((r) => r.merchantId), rows.map((r) => r.type), rows.map((r) => r.violationId), rows.map((r) => r.track),
        rows.map((r) => r.points), rows.map((r) => r.waiver), rows.map((r) => r.naturalYear), rows.map((r) => r.at),
      ],
    );
  }
}
