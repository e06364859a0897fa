import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { LiftReason, MeasureType } from '@penalty/domain';
import type { Tx } from '@penalty/messaging';

/** A measure not lifted yet, as kept. */
export interface OpenMeasureRecord {
  id: string;
  sanctionId: string;
  merchantId: string;
  type: MeasureType;
  endsAt: Date | null;
}

/** A sanction loaded to be changed (revoked, measures lifted), with its measures not lifted yet. */
export interface SanctionRecord {
  sanctionId: string;
  merchantId: string;
  fineFen: bigint | null;
  fineRefundedFen: bigint;
  revoked: boolean;
  measures: OpenMeasureRecord[];
}

export interface NewSanctionRow {
  sanctionId: string;
  merchantId: string;
  cause: Record<string, unknown>;
  fineFen: bigint | null;
  ruleVersion: string;
  /** Null: the deployment's default marketplace. */
  marketplace: string | null;
  ruleContentHash: string | null;
  decidedAt: Date;
  appealDeadline: Date;
  revokedAt: Date | null;
  revokeReason: LiftReason | null;
  fineRefundedFen: bigint;
}

export interface SanctionRevocationRow {
  sanctionId: string;
  revokedAt: Date;
  revokeReason: LiftReason;
  fineRefundedFen: bigint;
}

export interface NewMeasureRow {
  sanctionId: string;
  merchantId: string;
  type: MeasureType;
  startsAt: Date;
  endsAt: Date | null;
  liftedAt: Date | null;
  liftReason: LiftReason | null;
}

export interface MeasureLiftRow {
  id: string;
  liftedAt: Date;
  liftReason: LiftReason;
}

export interface DueMeasure {
  id: string;
  sanctionId: string;
  merchantId: string;
  type: MeasureType;
  endsAt: Date;
}

const fen = (v: string | null) => (v === null ? null : BigInt(v));
const text = (v: bigint | null) => (v === null ? null : v.toString());

interface RawMeasure {
  id: string;
  sanction_id: string;
  merchant_id: string;
  type: MeasureType;
  ends_at: string | null;
}

export const openMeasureOf = (m: RawMeasure): OpenMeasureRecord => ({ id: m.id, sanctionId: m.sanction_id, merchantId: m.merchant_id, type: m.type, endsAt: m.ends_at === null ? null : new Date(m.ends_at) });

/** The SQL of the open measures of a row, as JSON (used by this repository and the deposit accounts'). */
export const openMeasuresJson = (where: string) =>
  `(SELECT coalesce(json_agg(json_build_object('id', m.id::text, 'sanction_id', m.sanction_id, 'merchant_id', m.merchant_id, 'type', m.type, 'ends_at', m.ends_at) ORDER BY m.id), '[]'::json)
    FROM measure m WHERE m.lifted_at IS NULL AND ${where})`;

/**
 * The only SQL of the sanction aggregate: a sanction and its measures. Writes are set-wise: one
 * statement per table for a whole batch (rows created and rows changed together).
 */
@Injectable()
export class SanctionRepository {
  /** Locks sanctions to change them, each with its measures not lifted yet; one statement. */
  async lockForChange(tx: Tx, sanctionIds: readonly string[]): Promise<SanctionRecord[]> {
    if (sanctionIds.length === 0) return [];
    const rows = await tx.query<{ sanction_id: string; merchant_id: string; fine_fen: string | null; fine_refunded_fen: string; revoked: boolean; measures: RawMeasure[] }>(
      `SELECT s.sanction_id, s.merchant_id, s.fine_fen::text, s.fine_refunded_fen::text, s.revoked_at IS NOT NULL AS revoked,
         ${openMeasuresJson('m.sanction_id = s.sanction_id')} AS measures
       FROM sanction s WHERE s.sanction_id = ANY($1::uuid[]) ORDER BY s.sanction_id FOR UPDATE OF s`,
      [[...new Set(sanctionIds)]],
    );
    return rows.map((r) => ({
      sanctionId: r.sanction_id,
      merchantId: r.merchant_id,
      fineFen: fen(r.fine_fen),
      fineRefundedFen: BigInt(r.fine_refunded_fen),
      revoked: r.revoked,
      measures: r.measures.map(openMeasureOf),
    }));
  }

  /** Sanctions created and sanctions revoked, in one statement. */
  async write(tx: Tx, created: readonly NewSanctionRow[], revoked: readonly SanctionRevocationRow[]): Promise<void> {
    if (created.length === 0 && revoked.length === 0) return;
    await tx.query(
      `WITH revoked AS (
         UPDATE sanction s SET revoked_at = r.revoked_at, revoke_reason = r.revoke_reason, fine_refunded_fen = r.fine_refunded_fen
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::bigint[]) AS r (sanction_id, revoked_at, revoke_reason, fine_refunded_fen)
         WHERE s.sanction_id = r.sanction_id
       )
       INSERT INTO sanction (sanction_id, merchant_id, cause, fine_fen, rule_version, decided_at, appeal_deadline, revoked_at, revoke_reason, fine_refunded_fen, marketplace, rule_content_hash)
       SELECT * FROM unnest($5::uuid[], $6::text[], $7::jsonb[], $8::bigint[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::text[], $14::bigint[], $15::text[], $16::text[])`,
      [
        revoked.map((r) => r.sanctionId),
        revoked.map((r) => r.revokedAt),
        revoked.map((r) => r.revokeReason),
        revoked.map((r) => r.fineRefundedFen.toString()),
        created.map((s) => s.sanctionId),
        created.map((s) => s.merchantId),
        created.map((s) => JSON.stringify(s.cause)),
        created.map((s) => text(s.fineFen)),
        created.map((s) => s.ruleVersion),
        created.map((s) => s.decidedAt),
        created.map((s) => s.appealDeadline),
        created.map((s) => s.revokedAt),
        created.map((s) => s.revokeReason),
        created.map((s) => s.fineRefundedFen.toString()),
        created.map((s) => s.marketplace),
        created.map((s) => s.ruleContentHash),
      ],
    );
  }

  /** Measures created and measures lifted, in one statement. */
  async writeMeasures(tx: Tx, created: readonly NewMeasureRow[], lifted: readonly MeasureLiftRow[]): Promise<void> {
    if (created.length === 0 && lifted.length === 0) return;
    await tx.query(
      `WITH lifted AS (
         UPDATE measure m SET lifted_at = l.lifted_at, lift_reason = l.lift_reason
         FROM unnest($1::bigint[], $2::timestamptz[], $3::text[]) AS l (id, lifted_at, lift_reason)
         WHERE m.id = l.id AND m.lifted_at IS NULL
       )
       INSERT INTO measure (sanction_id, merchant_id, type, starts_at, ends_at, lifted_at, lift_reason)
       SELECT * FROM unnest($4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::text[])`,
      [
        lifted.map((l) => l.id),
        lifted.map((l) => l.liftedAt),
        lifted.map((l) => l.liftReason),
        created.map((m) => m.sanctionId),
        created.map((m) => m.merchantId),
        created.map((m) => m.type),
        created.map((m) => m.startsAt),
        created.map((m) => m.endsAt),
        created.map((m) => m.liftedAt),
        created.map((m) => m.liftReason),
      ],
    );
  }

  /** Whose sanction it is (a plain read, before a command opens its transaction); null when unknown. */
  /** Whose sanction it is, and the marketplace it was decided for (null: before marketplaces, the default one). */
  async ownerOf(dataSource: DataSource, sanctionId: string): Promise<{ merchantId: string; marketplace: string | null } | null> {
    const [row]: { merchant_id: string; marketplace: string | null }[] = await dataSource.query('SELECT merchant_id, marketplace FROM sanction WHERE sanction_id = $1', [sanctionId]);
    return row ? { merchantId: row.merchant_id, marketplace: row.marketplace } : null;
  }

  /** A sanction as a decision that may be appealed, locked for the rest of the transaction. */
  async findDecision(manager: EntityManager, sanctionId: string): Promise<{ merchantId: string; decidedAt: Date; ruleVersion: string; marketplace?: string } | null> {
    const [row]: { merchant_id: string; decided_at: Date; rule_version: string; marketplace: string | null }[] = await manager.query(
      'SELECT merchant_id, decided_at, rule_version, marketplace FROM sanction WHERE sanction_id = $1 FOR UPDATE',
      [sanctionId],
    );
    return row ? { merchantId: row.merchant_id, decidedAt: new Date(row.decided_at), ruleVersion: row.rule_version, marketplace: row.marketplace ?? undefined } : null;
  }

  /** Measures whose end has passed, oldest end first (a plain read; the lift locks them again, skipping those another replica holds). */
  async peekDue(dataSource: DataSource, now: Date, limit: number): Promise<{ id: string; merchantId: string }[]> {
    const rows: { id: string; merchant_id: string }[] = await dataSource.query(
      'SELECT id, merchant_id FROM measure WHERE lifted_at IS NULL AND ends_at <= $1 ORDER BY ends_at, id LIMIT $2',
      [now, limit],
    );
    return rows.map((r) => ({ id: r.id, merchantId: r.merchant_id }));
  }

  /** Of the peeked measures, those still due and not held by another replica: locked and marked lifted at their end (EXPIRED). */
  async expire(tx: Tx, ids: readonly string[], now: Date): Promise<DueMeasure[]> {
    const rows = await tx.query<{ id: string; sanction_id: string; merchant_id: string; type: MeasureType; ends_at: Date }>(
      `WITH due AS (
         SELECT id FROM measure WHERE id = ANY($1::bigint[]) AND lifted_at IS NULL AND ends_at <= $2 ORDER BY ends_at, id FOR UPDATE SKIP LOCKED
       )
       UPDATE measure m SET lifted_at = m.ends_at, lift_reason = 'EXPIRED' FROM due WHERE m.id = due.id
       RETURNING m.id, m.sanction_id, m.merchant_id, m.type, m.ends_at`,
      [ids, now],
    );
    return rows
      .map((r) => ({ id: r.id, sanctionId: r.sanction_id, merchantId: r.merchant_id, type: r.type, endsAt: new Date(r.ends_at) }))
      .sort((a, b) => a.endsAt.getTime() - b.endsAt.getTime() || (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** The earliest end of a measure still running, for the expiry worker's sleep. */
  async nextEnd(dataSource: DataSource): Promise<Date | null> {
    const [{ next }]: { next: Date | null }[] = await dataSource.query('SELECT min(ends_at) AS next FROM measure WHERE lifted_at IS NULL AND ends_at IS NOT NULL');
    return next ? new Date(next) : null;
  }
}
