import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { MerchantDifference, SimulationReport } from '@penalty/domain';

export interface SimulationRunRow {
  run_id: string;
  marketplace: string;
  draft_version: string;
  rule_data: Record<string, unknown>;
  period_from: Date;
  period_to: Date;
  requested_by: string;
  requested_at: Date;
  status: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';
  progress: number;
  finished_at: Date | null;
  report: Record<string, unknown> | null;
  error: string | null;
}

/** A stored violation as the simulation replays it. */
export interface ReplayedViolationRow {
  violation_id: string;
  merchant_id: string;
  marketplace: string;
  code: string;
  severity: string;
  scenario: string | null;
  occurred_at: Date;
  waiver: string | null;
}

/** A run left RUNNING without a heartbeat for this long was interrupted (its replica died): it is run again. */
const STALE_MS = 60_000;

/** The only SQL of simulation_run (and the read of violations a run replays). */
@Injectable()
export class SimulationRepository {
  async queue(db: DataSource, run: Omit<SimulationRunRow, 'status' | 'progress' | 'finished_at' | 'report' | 'error'>): Promise<void> {
    await db.query(
      `INSERT INTO simulation_run (run_id, marketplace, draft_version, rule_data, period_from, period_to, requested_by, requested_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'QUEUED')`,
      [run.run_id, run.marketplace, run.draft_version, JSON.stringify(run.rule_data), run.period_from, run.period_to, run.requested_by, run.requested_at],
    );
  }

  async find(db: DataSource, runId: string): Promise<SimulationRunRow | undefined> {
    return (await db.query('SELECT * FROM simulation_run WHERE run_id = $1', [runId]))[0];
  }

  async recent(db: DataSource, filter: { marketplace?: string; draftVersion?: string }, limit: number): Promise<SimulationRunRow[]> {
    return db.query(
      `SELECT run_id, marketplace, draft_version, period_from, period_to, requested_by, requested_at, status, progress, finished_at, error, NULL AS report, '{}'::jsonb AS rule_data
       FROM simulation_run WHERE ($1::text IS NULL OR marketplace = $1) AND ($3::text IS NULL OR draft_version = $3) ORDER BY requested_at DESC LIMIT $2`,
      [filter.marketplace ?? null, limit, filter.draftVersion ?? null],
    );
  }

  /** A run's status and the merchants its report keeps (with the count of all), without the rest of the report. */
  async differences(db: DataSource, runId: string): Promise<{ status: SimulationRunRow['status']; differences: MerchantDifference[] | null; total: number | null } | undefined> {
    return (await db.query(
      `SELECT status, report->'differences' AS differences, (report->>'differencesTotal')::int AS total FROM simulation_run WHERE run_id = $1`,
      [runId],
    ))[0];
  }

  /** Takes the oldest queued run, or one whose runner stopped beating; no two replicas take the same. */
  async claim(db: DataSource, now: Date): Promise<SimulationRunRow | undefined> {
    const rows: SimulationRunRow[] = await db.query(
      // As a SELECT over the UPDATE: the answer is the claimed rows (TypeORM answers an UPDATE with [rows, count]).
      `WITH claimed AS (
         UPDATE simulation_run SET status = 'RUNNING', progress = 0, heartbeat_at = $1
         WHERE run_id = (
           SELECT run_id FROM simulation_run
           WHERE status = 'QUEUED' OR (status = 'RUNNING' AND heartbeat_at < $2)
           ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED
         )
         RETURNING *
       )
       SELECT * FROM claimed`,
      [now, new Date(now.getTime() - STALE_MS)],
    );
    return rows[0];
  }

  async beat(db: DataSource, runId: string, progress: number, now: Date): Promise<void> {
    await db.query(`UPDATE simulation_run SET progress = $2, heartbeat_at = $3 WHERE run_id = $1 AND status = 'RUNNING'`, [runId, progress, now]);
  }

  async finish(db: DataSource, runId: string, outcome: { report: SimulationReport | Record<string, unknown> } | { error: string }, now: Date): Promise<void> {
    if ('report' in outcome) {
      await db.query(`UPDATE simulation_run SET status = 'DONE', progress = 1, finished_at = $2, report = $3 WHERE run_id = $1`, [runId, now, JSON.stringify(outcome.report)]);
    } else {
      await db.query(`UPDATE simulation_run SET status = 'FAILED', finished_at = $2, error = $3 WHERE run_id = $1`, [runId, now, outcome.error]);
    }
  }

  async countViolations(db: DataSource, marketplace: string, defaultMarketplace: string, from: Date, to: Date): Promise<number> {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM violation WHERE coalesce(marketplace, $2) = $1 AND occurred_at >= $3 AND occurred_at < $4`,
      [marketplace, defaultMarketplace, from, to],
    );
    return n;
  }

  /** One page of the marketplace's violations of [from, to), in (occurred_at, violation_id) order after `after`. */
  async violationsPage(db: DataSource, q: { marketplace: string; defaultMarketplace: string; from: Date; to: Date; after: { occurredAt: Date; violationId: string } | null; limit: number }): Promise<ReplayedViolationRow[]> {
    return db.query(
      `SELECT violation_id, merchant_id, coalesce(marketplace, $2) AS marketplace, code, severity, scenario, occurred_at, waiver
       FROM violation
       WHERE coalesce(marketplace, $2) = $1 AND occurred_at >= $3 AND occurred_at < $4
         AND ($5::timestamptz IS NULL OR (occurred_at, violation_id) > ($5::timestamptz, $6::text))
       ORDER BY occurred_at, violation_id LIMIT $7`,
      [q.marketplace, q.defaultMarketplace, q.from, q.to, q.after?.occurredAt ?? null, q.after?.violationId ?? null, q.limit],
    );
  }
}
