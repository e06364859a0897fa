import { Injectable } from '@nestjs/common';
import { ladderScopeKey, type CountingAssessment, type LadderScope, type PassedNode, type Track } from '@penalty/domain';
import type { Tx } from '@penalty/messaging';

/** An assessment as this service keeps it (penalty.assessed.v1 / penalty.adjusted.v1). */
export interface AssessmentToKeep extends LadderScope {
  violationId: string;
  assessmentId: string;
  points: number;
  ruleVersion: string;
}

/** A kept assessment with when its points last changed (microseconds since the epoch: its place in the order). */
export interface KeptAssessment extends LadderScope, CountingAssessment {
  atMicros: number;
}

/** A passed node of a scope, as written. */
export interface PassedNodeRow extends LadderScope, PassedNode {}

const nodeOf = (r: { node: number; status: 'IMPOSED' | 'SKIPPED'; sanction_id: string }): PassedNode => ({ node: r.node, status: r.status, sanctionId: r.sanction_id });

/**
 * The only SQL of the ladder aggregate: the assessments this service was told about and the nodes
 * each merchant passed per natural year and track. Set-wise: one statement per call, whatever the batch.
 */
@Injectable()
export class LadderRepository {
  /**
   * Keeps the batch's assessments (one row per violation: the last change wins) and, in the same
   * statement, reads the passed nodes of `scopes` and the assessments as they were before the batch.
   * Rows changed later in the batch sort later: their updated_at is `now` plus their place, in µs.
   */
  async keepAndReadNodes(tx: Tx, assessments: readonly AssessmentToKeep[], scopes: readonly LadderScope[], now: Date): Promise<{ passed: Map<string, PassedNode[]>; before: KeptAssessment[] }> {
    const [row] = await tx.query<{ nodes: { merchant_id: string; natural_year: number; track: Track; node: number; status: 'IMPOSED' | 'SKIPPED'; sanction_id: string }[]; before: RawKept[] }>(
      `WITH before AS (
         SELECT violation_id, merchant_id, natural_year, track, points, (extract(epoch FROM updated_at) * 1000000)::bigint AS at_us
         FROM assessment WHERE violation_id = ANY($1::text[])
       ), kept AS (
         INSERT INTO assessment (violation_id, assessment_id, merchant_id, natural_year, track, points, rule_version, updated_at)
         SELECT a.violation_id, a.assessment_id, a.merchant_id, a.natural_year, a.track, a.points, a.rule_version, $8::timestamptz + a.place * interval '1 microsecond'
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[]) WITH ORDINALITY
           AS a (violation_id, assessment_id, merchant_id, natural_year, track, points, rule_version, place)
         ON CONFLICT (violation_id) DO UPDATE SET points = EXCLUDED.points, updated_at = EXCLUDED.updated_at
       )
       SELECT
         (SELECT coalesce(json_agg(n ORDER BY n.merchant_id, n.natural_year, n.track, n.node), '[]'::json) FROM (
            SELECT l.merchant_id, l.natural_year, l.track, l.node, l.status, l.sanction_id FROM ladder_node l
            JOIN unnest($9::text[], $10::int[], $11::text[]) AS s (merchant_id, natural_year, track)
              ON l.merchant_id = s.merchant_id AND l.natural_year = s.natural_year AND l.track = s.track) n) AS nodes,
         (SELECT coalesce(json_agg(b), '[]'::json) FROM before b) AS before`,
      [
        assessments.map((a) => a.violationId),
        assessments.map((a) => a.assessmentId),
        assessments.map((a) => a.merchantId),
        assessments.map((a) => a.naturalYear),
        assessments.map((a) => a.track),
        assessments.map((a) => a.points),
        assessments.map((a) => a.ruleVersion),
        now,
        scopes.map((s) => s.merchantId),
        scopes.map((s) => s.naturalYear),
        scopes.map((s) => s.track),
      ],
    );
    const passed = new Map<string, PassedNode[]>();
    for (const n of row.nodes) {
      const key = ladderScopeKey({ merchantId: n.merchant_id, naturalYear: n.natural_year, track: n.track });
      passed.set(key, [...(passed.get(key) ?? []), nodeOf(n)]);
    }
    return { passed, before: row.before.map(kept) };
  }

  /** The assessments counting points (above zero) in `scopes`, but those of `except` (the batch's own), in the order their points came. */
  async counting(tx: Tx, scopes: readonly LadderScope[], except: readonly string[]): Promise<KeptAssessment[]> {
    if (scopes.length === 0) return [];
    const rows = await tx.query<RawKept>(
      `SELECT a.violation_id, a.merchant_id, a.natural_year, a.track, a.points, (extract(epoch FROM a.updated_at) * 1000000)::bigint AS at_us
       FROM assessment a JOIN unnest($1::text[], $2::int[], $3::text[]) AS s (merchant_id, natural_year, track)
         ON a.merchant_id = s.merchant_id AND a.natural_year = s.natural_year AND a.track = s.track
       WHERE a.points > 0 AND NOT (a.violation_id = ANY($4::text[]))`,
      [scopes.map((s) => s.merchantId), scopes.map((s) => s.naturalYear), scopes.map((s) => s.track), except],
    );
    return rows.map(kept);
  }

  /** Writes what changed in the passed nodes: nodes freed by a revocation removed, nodes passed (again) written; one statement. */
  async writeNodes(tx: Tx, change: { removed: readonly (LadderScope & { node: number })[]; written: readonly PassedNodeRow[] }, now: Date): Promise<void> {
    if (change.removed.length === 0 && change.written.length === 0) return;
    const { removed, written } = change;
    await tx.query(
      `WITH removed AS (
         DELETE FROM ladder_node l USING unnest($1::text[], $2::int[], $3::text[], $4::int[]) AS r (merchant_id, natural_year, track, node)
         WHERE l.merchant_id = r.merchant_id AND l.natural_year = r.natural_year AND l.track = r.track AND l.node = r.node
       )
       INSERT INTO ladder_node (merchant_id, natural_year, track, node, status, sanction_id, decided_at)
       SELECT w.merchant_id, w.natural_year, w.track, w.node, w.status, w.sanction_id, $11
       FROM unnest($5::text[], $6::int[], $7::text[], $8::int[], $9::text[], $10::uuid[]) AS w (merchant_id, natural_year, track, node, status, sanction_id)
       ON CONFLICT (merchant_id, natural_year, track, node) DO UPDATE SET status = EXCLUDED.status, sanction_id = EXCLUDED.sanction_id, decided_at = EXCLUDED.decided_at`,
      [
        removed.map((r) => r.merchantId),
        removed.map((r) => r.naturalYear),
        removed.map((r) => r.track),
        removed.map((r) => r.node),
        written.map((w) => w.merchantId),
        written.map((w) => w.naturalYear),
        written.map((w) => w.track),
        written.map((w) => w.node),
        written.map((w) => w.status),
        written.map((w) => w.sanctionId),
        now,
      ],
    );
  }
}

interface RawKept {
  violation_id: string;
  merchant_id: string;
  natural_year: number;
  track: Track;
  points: number;
  at_us: string | number;
}

function kept(r: RawKept): KeptAssessment {
  const atMicros = Number(r.at_us);
  if (!Number.isSafeInteger(atMicros)) throw new Error(`assessment ${r.violation_id}: updated_at out of range`);
  return { violationId: r.violation_id, merchantId: r.merchant_id, naturalYear: r.natural_year, track: r.track, points: r.points, atMicros };
}
