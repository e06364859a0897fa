import { orderByClause, substringPattern } from '@penalty/runtime';
import type { ReviewQueueQuery, ReviewSort } from './review-queue.query';

const SORT_COLUMNS: Record<ReviewSort, string> = {
  deadline: 'q.deadline',
  submittedAt: 'q.submitted_at',
  merchantId: 'q.merchant_id',
  kind: 'q.kind',
  claimedBy: 'lower(q.claimed_by)',
};

/**
 * One statement: pending appeals and submitted forgery remediations as one queue (each with its merchant's
 * marketplace: the profile's, else the default), filtered, counted over all pages (count(*) OVER ()),
 * sorted (ties by deadline, submission and id, so pages are stable) and paged. Every value is a bound
 * parameter; sort columns come from a fixed table.
 */
export function reviewQueueSql(
  q: ReviewQueueQuery,
  params: { defaultMarketplace: string; /** The operator's marketplaces; absent: every one. */ scope?: readonly string[]; limit: number | null; offset: number },
): { text: string; values: unknown[] } {
  const values: unknown[] = [params.defaultMarketplace];
  const bind = (value: unknown) => `$${values.push(value)}`;
  const where: string[] = [];
  if (params.scope) where.push(`q.marketplace = ANY(${bind(params.scope)}::text[])`);
  if (q.marketplace) where.push(`q.marketplace = ${bind(q.marketplace)}`);
  if (q.kind) where.push(`q.kind = ${bind(q.kind)}`);
  if (q.claimedBy) where.push(`q.claimed_by = ${bind(q.claimedBy)}`);
  if (q.claim) where.push(q.claim === 'claimed' ? 'q.claimed_by IS NOT NULL' : 'q.claimed_by IS NULL');
  if (q.query) {
    const pattern = bind(substringPattern(q.query));
    where.push(`(q.merchant_id ILIKE ${pattern} OR q.id ILIKE ${pattern})`);
  }
  const sort = q.sort ?? 'deadline';
  const order = q.order ?? (sort === 'submittedAt' ? 'desc' : 'asc');
  const text = `
    WITH queue AS (
      SELECT 'APPEAL' AS kind, a.appeal_id AS id, a.merchant_id, coalesce(p.marketplace, $1) AS marketplace, a.subject_kind, a.subject_id,
             a.round, NULL::integer AS case_number, NULL::text AS violation_id, a.filed_at AS submitted_at, s.appeal_deadline AS deadline,
             a.evidence, a.claimed_by, a.claimed_at
      FROM standing_appeal a LEFT JOIN standing_sanction s ON a.subject_kind = 'SANCTION' AND s.sanction_id = a.subject_id
      LEFT JOIN standing_profile p ON p.merchant_id = a.merchant_id
      WHERE a.status = 'PENDING'
      UNION ALL
      SELECT 'FORGERY_REMEDIATION', c.case_id, c.merchant_id, coalesce(p.marketplace, $1), 'FORGERY_CASE', c.case_id,
             NULL::integer, c.case_number, c.violation_id, coalesce(c.submitted_at, c.updated_at), c.remediation_closes_at,
             c.documents, c.claimed_by, c.claimed_at
      FROM standing_forgery_case c LEFT JOIN standing_profile p ON p.merchant_id = c.merchant_id
      WHERE c.status = 'REMEDIATION_SUBMITTED'
    )
    SELECT q.*, count(*) OVER ()::int AS total FROM queue q
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ${orderByClause(SORT_COLUMNS, sort, order, ['q.deadline ASC NULLS LAST', 'q.submitted_at', 'q.id'])}
    ${params.limit === null ? '' : `LIMIT ${bind(params.limit)}`} OFFSET ${bind(params.offset)}`;
  return { text, values };
}
