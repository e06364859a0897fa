import { substringPattern } from '@penalty/runtime';
import type { MerchantSearchQuery, MerchantSort, MerchantState } from './merchant-search.query';

const SORT_COLUMNS: Record<MerchantSort, string> = {
  merchantId: 'd.merchant_id',
  displayName: 'lower(d.display_name)',
  storeName: 'lower(d.store_name)',
  marketplace: 'd.marketplace',
  general: 'd.general',
  serious: 'd.serious',
};

/** Each state as a condition on the directory row `d`, as of $now. */
const STATE_CONDITIONS: Record<MerchantState, string> = {
  ACTIVE_MEASURES: `EXISTS (SELECT 1 FROM standing_measure m WHERE m.merchant_id = d.merchant_id AND m.lifted_at IS NULL AND (m.ends_at IS NULL OR m.ends_at > $now))`,
  SUPERVISED: `EXISTS (SELECT 1 FROM standing_measure m WHERE m.merchant_id = d.merchant_id AND m.type = 'STORE_SUPERVISION' AND m.lifted_at IS NULL AND (m.ends_at IS NULL OR m.ends_at > $now))`,
  TERMINATED: `EXISTS (SELECT 1 FROM standing_measure m WHERE m.merchant_id = d.merchant_id AND m.type = 'TERMINATION' AND m.lifted_at IS NULL)`,
  TOP_UP_OPEN: `EXISTS (SELECT 1 FROM standing_deposit s WHERE s.merchant_id = d.merchant_id AND s.top_up_due_at > $now)`,
  EXAM_CHANCE_HELD: `EXISTS (SELECT 1 FROM standing_exam_chance c WHERE c.merchant_id = d.merchant_id AND c.status = 'GRANTED' AND c.expires_at > $now)`,
};

/** A test merchant's id (TEST_MERCHANT_ID in merchant-search.query.ts): `test-` or `demo-` first, any case. */
const TEST_MERCHANT_SQL = `d.merchant_id ~* '^(test|demo)-'`;


/**
 * One statement: every merchant the read model knows (a profile, points or a sanction), with its
 * profile's names and marketplace and this year's points, filtered, counted over all pages
 * (count(*) OVER ()), sorted (ties by id, so pages are stable) and paged. Every value is a bound
 * parameter; sort columns come from a fixed table.
 */
export function merchantSearchSql(
  q: MerchantSearchQuery,
  params: { naturalYear: number; now: Date; defaultMarketplace: string; /** The operator's marketplaces; absent: every one. */ scope?: readonly string[] },
): { text: string; values: unknown[] } {
  const values: unknown[] = [params.naturalYear, params.defaultMarketplace];
  const bind = (value: unknown) => `$${values.push(value)}`;
  const where: string[] = [];
  if (q.query) {
    const pattern = bind(substringPattern(q.query));
    where.push(`(d.merchant_id ILIKE ${pattern} OR d.display_name ILIKE ${pattern} OR d.store_name ILIKE ${pattern})`);
  }
  if (q.testMerchants === 'exclude') where.push(`NOT ${TEST_MERCHANT_SQL}`);
  if (q.marketplace) where.push(`d.marketplace = ${bind(q.marketplace)}`);
  if (params.scope) where.push(`d.marketplace = ANY(${bind(params.scope)}::text[])`);
  if (q.state) {
    const condition = STATE_CONDITIONS[q.state];
    where.push(condition.includes('$now') ? condition.replaceAll('$now', `${bind(params.now)}::timestamptz`) : condition);
  }
  const sort = q.sort ?? 'serious';
  const order = (q.order ?? (sort === 'general' || sort === 'serious' ? 'desc' : 'asc')) === 'desc' ? 'DESC' : 'ASC';
  const limit = bind(q.limit ?? 50);
  const offset = bind(q.offset ?? 0);
  const text = `
    WITH directory AS (
      SELECT k.merchant_id, coalesce(pr.marketplace, $2) AS marketplace, pr.display_name, pr.store_name,
             coalesce(pt.general, 0) AS general, coalesce(pt.serious, 0) AS serious
      FROM (SELECT merchant_id FROM standing_profile UNION SELECT merchant_id FROM standing_points UNION SELECT merchant_id FROM standing_sanction) k
      LEFT JOIN standing_profile pr ON pr.merchant_id = k.merchant_id
      LEFT JOIN standing_points pt ON pt.merchant_id = k.merchant_id AND pt.natural_year = $1
    )
    SELECT d.merchant_id AS "merchantId", d.marketplace, d.display_name AS "displayName", d.store_name AS "storeName",
           d.general, d.serious, ${TEST_MERCHANT_SQL} AS test, count(*) OVER ()::int AS total
    FROM directory d
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${SORT_COLUMNS[sort]} ${order} NULLS LAST, d.merchant_id
    LIMIT ${limit} OFFSET ${offset}`;
  return { text, values };
}
