import type { EntityManager } from 'typeorm';

export interface AuditEntry {
  /** Who: an operator's or a system's identity. */
  actor: string;
  /** What, as a coded verb, e.g. SANCTION.LIFT. */
  action: string;
  merchantId: string;
  subjectType: string;
  subjectId: string;
  /** Why, in the actor's words. */
  reason: string;
  details?: Record<string, unknown>;
  occurredAt: Date;
}

export interface RecordedAuditEntry extends AuditEntry {
  id: string;
}

/** Records an entry in the caller's transaction: it exists exactly when the change it describes does. */
export async function recordAudit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  await manager.query(
    `INSERT INTO audit_entry (occurred_at, actor, action, merchant_id, subject_type, subject_id, reason, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [entry.occurredAt, entry.actor, entry.action, entry.merchantId, entry.subjectType, entry.subjectId, entry.reason, JSON.stringify(entry.details ?? {})],
  );
}

type AuditRow = { id: string; occurred_at: Date; actor: string; action: string; merchant_id: string; subject_type: string; subject_id: string; reason: string; details: Record<string, unknown> };

const fromRow = (r: AuditRow): RecordedAuditEntry => ({
  id: r.id,
  occurredAt: new Date(r.occurred_at),
  actor: r.actor,
  action: r.action,
  merchantId: r.merchant_id,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  reason: r.reason,
  details: r.details,
});

const COLUMNS = 'id, occurred_at, actor, action, merchant_id, subject_type, subject_id, reason, details';

/** A merchant's audit trail, newest first. */
export async function readAuditTrail(manager: EntityManager, merchantId: string, limit = 100): Promise<RecordedAuditEntry[]> {
  const rows: AuditRow[] = await manager.query(
    `SELECT ${COLUMNS} FROM audit_entry WHERE merchant_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2`,
    [merchantId, limit],
  );
  return rows.map(fromRow);
}

/** The whole trail, newest first, optionally one actor's. */
export async function readRecentAudit(manager: EntityManager, limit = 100, actor?: string): Promise<RecordedAuditEntry[]> {
  const rows: AuditRow[] = await manager.query(
    `SELECT ${COLUMNS} FROM audit_entry WHERE ($2::text IS NULL OR actor = $2) ORDER BY occurred_at DESC, id DESC LIMIT $1`,
    [limit, actor ?? null],
  );
  return rows.map(fromRow);
}
