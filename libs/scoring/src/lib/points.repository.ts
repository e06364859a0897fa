import type { Scenario, Totals, Track, Waiver } from '@penalty/domain';

/** A connection inside a transaction: a TransactionRunner's Tx. */
export interface Queryable {
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** An assessed violation as stored. */
export interface ScoredViolation {
  violation_id: string;
  assessment_id: string;
  merchant_id: string;
  scenario: string | null;
  natural_year: number;
  track: Track;
  base_points: number;
  points: number;
  waiver: Waiver | null;
  rule_version: string;
  /** Null: the deployment's default marketplace (rows from before marketplaces). */
  marketplace: string | null;
  rule_content_hash: string | null;
  assessed_at: Date;
}

/** A violation to store with its assessment. */
export interface NewViolation {
  violationId: string;
  assessmentId: string;
  eventId: string;
  merchantId: string;
  code: string;
  scenario: string | null;
  severity: string;
  occurredAt: Date;
  naturalYear: number;
  track: Track;
  basePoints: number;
  points: number;
  waiver: Waiver | null;
  ruleVersion: string;
  itemAction: string;
  itemIds: readonly string[];
  /** The evidence the event carried, as it carried it. */
  evidence: readonly { kind: string; uri: string; sha256: string }[];
  detectedBy: string;
  assessedAt: Date;
  marketplace: string;
  ruleContentHash: string;
  /** The year's totals after this decision, as made. */
  generalAfter: number;
  seriousAfter: number;
}

export interface YearTotals extends Totals {
  merchantId: string;
  naturalYear: number;
}

/**
 * The only SQL of a merchant's points: assessed violations and the yearly totals per track. Reads and
 * writes are set-wise, for a whole batch of merchants at once.
 */
export class PointsRepository {
  /** Which of these violation ids were assessed before. */
  async knownViolations(db: Queryable, violationIds: readonly string[]): Promise<Set<string>> {
    if (violationIds.length === 0) return new Set();
    const rows = await db.query<{ violation_id: string }>('SELECT violation_id FROM violation WHERE violation_id = ANY($1::text[])', [violationIds]);
    return new Set(rows.map((r) => r.violation_id));
  }

  /** Which of these (merchant, natural year, scenario) triples have an assessed violation. */
  async scenariosSeen(db: Queryable, triples: readonly { merchantId: string; naturalYear: number; scenario: Scenario }[]): Promise<{ merchantId: string; naturalYear: number; scenario: Scenario }[]> {
    if (triples.length === 0) return [];
    return db.query(
      `SELECT DISTINCT v.merchant_id AS "merchantId", v.natural_year AS "naturalYear", v.scenario
       FROM violation v JOIN unnest($1::text[], $2::int[], $3::text[]) AS t(merchant_id, natural_year, scenario)
         ON v.merchant_id = t.merchant_id AND v.natural_year = t.natural_year AND v.scenario = t.scenario`,
      [triples.map((t) => t.merchantId), triples.map((t) => t.naturalYear), triples.map((t) => t.scenario)],
    );
  }

  /** The totals of these (merchant, year) pairs, created at 0 when missing and locked for the transaction (in key order). */
  async lockTotals(db: Queryable, pairs: readonly { merchantId: string; naturalYear: number }[]): Promise<YearTotals[]> {
    if (pairs.length === 0) return [];
    return db.query(
      `INSERT INTO merchant_year_points (merchant_id, natural_year)
       SELECT merchant_id, natural_year FROM unnest($1::text[], $2::int[]) AS t(merchant_id, natural_year) ORDER BY merchant_id, natural_year
       ON CONFLICT (merchant_id, natural_year) DO UPDATE SET general = merchant_year_points.general
       RETURNING merchant_id AS "merchantId", natural_year AS "naturalYear", general, serious`,
      [pairs.map((p) => p.merchantId), pairs.map((p) => p.naturalYear)],
    );
  }

  /** Writes totals of locked rows. */
  async saveTotals(db: Queryable, totals: readonly YearTotals[]): Promise<void> {
    if (totals.length === 0) return;
    await db.query(
      `UPDATE merchant_year_points p SET general = t.general, serious = t.serious
       FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) AS t(merchant_id, natural_year, general, serious)
       WHERE p.merchant_id = t.merchant_id AND p.natural_year = t.natural_year`,
      [totals.map((t) => t.merchantId), totals.map((t) => t.naturalYear), totals.map((t) => t.general), totals.map((t) => t.serious)],
    );
  }

  async insertViolations(db: Queryable, violations: readonly NewViolation[]): Promise<void> {
    if (violations.length === 0) return;
    const column = <K extends keyof NewViolation>(key: K) => violations.map((v) => v[key]);
    await db.query(
      `INSERT INTO violation (violation_id, assessment_id, event_id, merchant_id, code, scenario, severity, occurred_at, natural_year,
         track, base_points, points, waiver, rule_version, item_action, item_ids, detected_by, assessed_at, marketplace, rule_content_hash,
         assessed_points, assessed_waiver, general_after, serious_after, evidence)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::int[],
         $10::text[], $11::int[], $12::int[], $13::text[], $14::text[], $15::text[], $16::jsonb[], $17::text[], $18::timestamptz[], $19::text[], $20::text[],
         $12::int[], $13::text[], $21::int[], $22::int[], $23::jsonb[])`,
      [
        column('violationId'), column('assessmentId'), column('eventId'), column('merchantId'), column('code'), column('scenario'), column('severity'),
        column('occurredAt'), column('naturalYear'), column('track'), column('basePoints'), column('points'), column('waiver'), column('ruleVersion'),
        column('itemAction'), violations.map((v) => JSON.stringify(v.itemIds)), column('detectedBy'), column('assessedAt'), column('marketplace'), column('ruleContentHash'),
        column('generalAfter'), column('seriousAfter'), violations.map((v) => JSON.stringify(v.evidence)),
      ],
    );
  }

  /** The violation, locked for the rest of the transaction; undefined when unknown. */
  async lockViolation(db: Queryable, violationId: string): Promise<ScoredViolation | undefined> {
    const [row] = await db.query<ScoredViolation>('SELECT * FROM violation WHERE violation_id = $1 FOR UPDATE', [violationId]);
    return row;
  }

  /** Sets a violation's points and waiver and moves its year's total by the difference; answers the new totals. */
  async changePoints(db: Queryable, violation: ScoredViolation, change: { points: number; waiver: Waiver | null }): Promise<Totals> {
    const column = violation.track === 'SERIOUS' ? 'serious' : 'general';
    await db.query('UPDATE violation SET points = $2, waiver = $3 WHERE violation_id = $1', [violation.violation_id, change.points, change.waiver]);
    const [totals] = await db.query<Totals>(
      `UPDATE merchant_year_points SET ${column} = ${column} + $3 WHERE merchant_id = $1 AND natural_year = $2 RETURNING general, serious`,
      [violation.merchant_id, violation.natural_year, change.points - violation.points],
    );
    return totals;
  }
}
