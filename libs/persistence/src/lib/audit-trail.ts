import type { EntityManager } from 'typeorm';
import { orderByClause, substringPattern, totalOfPage, type SortOrder } from '@penalty/runtime';
import type { AuditSort } from './audit-trail.query';

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

/** Which entries a page holds: filters, a whitelisted sort, a page; `merchantId` narrows to one merchant's trail. */
export interface AuditPageRequest {
  merchantId?: string;
  actor?: string;
  action?: string;
  subjectType?: string;
  /** Part of the actor, subject id, merchant id or reason, any case. */
  query?: string;
  sort: AuditSort;
  order: SortOrder;
  limit: number;
  offset: number;
}

const SORT_COLUMNS: Record<AuditSort, string> = {
  occurredAt: 'occurred_at',
  actor: 'lower(actor)',
  action: 'action',
  subjectType: 'subject_type',
  merchantId: 'merchant_id',
};


/** One page of a trail with the total over every page (count(*) OVER ()); every value a bound parameter. */
export async function readAuditPage(manager: EntityManager, request: AuditPageRequest): Promise<{ items: RecordedAuditEntry[]; total: number }> {
  const values: unknown[] = [];
  const bind = (value: unknown) => `$${values.push(value)}`;
  const where: string[] = [];
  if (request.merchantId !== undefined) where.push(`merchant_id = ${bind(request.merchantId)}`);
  if (request.actor !== undefined) where.push(`actor = ${bind(request.actor)}`);
  if (request.action !== undefined) where.push(`action = ${bind(request.action)}`);
  if (request.subjectType !== undefined) where.push(`subject_type = ${bind(request.subjectType)}`);
  if (request.query) {
    const pattern = bind(substringPattern(request.query));
    where.push(`(actor ILIKE ${pattern} OR subject_id ILIKE ${pattern} OR merchant_id ILIKE ${pattern} OR reason ILIKE ${pattern})`);
  }
  const text = (limit: number, offset: number) => `
    SELECT ${COLUMNS}, count(*) OVER ()::int AS total FROM audit_entry
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ${orderByClause(SORT_COLUMNS, request.sort, request.order, ['occurred_at DESC', 'id DESC'])}
    LIMIT ${limit} OFFSET ${offset}`;
  const rows: (AuditRow & { total: number })[] = await manager.query(text(request.limit, request.offset), values);
  const total = await totalOfPage(rows, request.offset, async () => {
    const [first]: { total: number }[] = await manager.query(text(1, 0), values);
    return first?.total ?? 0;
  });
  return { items: rows.map(fromRow), total };
}
