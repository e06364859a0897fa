import type { DataSource } from 'typeorm';
import { formatShanghai } from '@penalty/domain';
import { ProblemException } from '@penalty/runtime';
import { bucketAt, bucketLengthMs, rangeWindow } from './decision-ranges';
import type { DecisionSanctionsPageDto, DecisionSanctionsQuery, DecisionsDto, DecisionsQuery } from './decisions.query';

/** Who asks: the operator's marketplaces (absent: every one) and the marketplace of a merchant without a profile. */
export interface DecisionsReader {
  dataSource: DataSource;
  now: Date;
  scope?: readonly string[];
  defaultMarketplace: string;
}

// A GENERAL ladder's node is named with its track: its node 12 is not the SERIOUS ladder's.
const NODE_SQL = `CASE WHEN s.track = 'GENERAL' THEN 'GENERAL ' || s.node ELSE coalesce(s.node::text, s.kind, 'UNKNOWN') END`;

/** The sanctions decided in [from, to) of merchants in the operator's scope, with their node; $1 default marketplace, $2 scope, $3 from, $4 to. */
const SANCTIONS_IN_WINDOW = `
  SELECT s.sanction_id, s.merchant_id, coalesce(p.marketplace, $1) AS marketplace, s.decided_at, s.fine_fen, ${NODE_SQL} AS node
  FROM standing_sanction s LEFT JOIN standing_profile p ON p.merchant_id = s.merchant_id
  WHERE s.decided_at >= $3 AND s.decided_at < $4 AND ($2::text[] IS NULL OR coalesce(p.marketplace, $1) = ANY($2::text[]))`;

type Totals = { sanctions: number; finesFen: number };
const add = (map: Map<string, Totals>, key: string, sanctions: number, finesFen: number) => {
  const totals = map.get(key) ?? { sanctions: 0, finesFen: 0 };
  map.set(key, { sanctions: totals.sanctions + sanctions, finesFen: totals.finesFen + finesFen });
};

/**
 * The sanctions counted by PostgreSQL, per bucket and node: the last 30 days by day ($5: the first
 * day's start in epoch ms), and the asked range by its buckets ($6: its start, $7: the bucket's length
 * in ms, $8/$9: the range). At most 30 rows per node, plus one per bucket and node: never a row per
 * sanction, however many the month holds.
 */
const COUNTS_SQL = `
  WITH w AS (${SANCTIONS_IN_WINDOW})
  SELECT 'day' AS grain, floor((extract(epoch FROM w.decided_at) * 1000 - $5) / 86400000)::int AS bucket, w.node,
         count(*)::int AS sanctions, coalesce(sum(w.fine_fen), 0)::text AS fines_fen
  FROM w GROUP BY 2, 3
  UNION ALL
  SELECT 'range', floor((extract(epoch FROM w.decided_at) * 1000 - $6) / $7)::int, w.node, count(*)::int, coalesce(sum(w.fine_fen), 0)::text
  FROM w WHERE w.decided_at >= $8 AND w.decided_at < $9 GROUP BY 2, 3`;

/** Today by node and the last 30 days by day (as before), and the asked range by node and by bucket. */
export async function readDecisions(reader: DecisionsReader, query: DecisionsQuery): Promise<DecisionsDto> {
  const window = rangeWindow(query.range ?? '24h', reader.now);
  const month = rangeWindow('30d', reader.now);
  // The 30 days cover every range: one statement.
  const rows: { grain: 'day' | 'range'; bucket: number; node: string; sanctions: number; fines_fen: string }[] = await reader.dataSource.query(COUNTS_SQL, [
    reader.defaultMarketplace, reader.scope ?? null, month.from, month.to,
    month.from.getTime(), window.from.getTime(), bucketLengthMs(window), window.from, window.to,
  ]);
  const byToday = new Map<string, Totals>();
  const byRangeNode = new Map<string, Totals>();
  const days = month.starts.map(() => ({ sanctions: 0, finesFen: 0 }));
  const buckets = window.starts.map(() => ({ sanctions: 0, finesFen: 0 }));
  for (const row of rows) {
    const fines = Number(row.fines_fen);
    const totals = row.grain === 'day' ? days[row.bucket] : buckets[row.bucket];
    if (!totals) continue;
    totals.sanctions += row.sanctions;
    totals.finesFen += fines;
    if (row.grain === 'day' && row.bucket === days.length - 1) add(byToday, row.node, row.sanctions, fines);
    if (row.grain === 'range') add(byRangeNode, row.node, row.sanctions, fines);
  }
  return {
    today: [...byToday].map(([node, v]) => ({ node, ...v })),
    days: month.starts.map((start, i) => ({ day: formatShanghai(start).slice(0, 10), ...days[i] })),
    range: window.range,
    bucket: window.unit,
    from: formatShanghai(window.from),
    to: formatShanghai(window.to),
    byNode: [...byRangeNode].map(([node, v]) => ({ node, ...v })).sort((a, b) => b.sanctions - a.sanctions || a.node.localeCompare(b.node)),
    buckets: window.starts.map((start, i) => ({ start: formatShanghai(start), ...buckets[i] })),
  };
}

/** The sanctions behind one bar: of the range, or of one of its buckets, optionally of one node; newest first, a page. */
export async function readDecisionSanctions(reader: DecisionsReader, query: DecisionSanctionsQuery): Promise<DecisionSanctionsPageDto> {
  const window = rangeWindow(query.range ?? '24h', reader.now);
  let span: { from: Date; to: Date } = window;
  if (query.bucket !== undefined) {
    const bucket = bucketAt(window, new Date(query.bucket));
    if (!bucket) throw ProblemException.validation([{ field: 'bucket', message: `must be the start of one of the ${window.range} range's ${window.unit} buckets` }]);
    span = bucket;
  }
  const limit = query.limit ?? 20;
  const offset = query.offset ?? 0;
  const rows: { sanction_id: string; merchant_id: string; marketplace: string; decided_at: Date; fine_fen: string | null; node: string; measures: string[]; total: number }[] =
    await reader.dataSource.query(
      `WITH w AS (${SANCTIONS_IN_WINDOW})
       SELECT w.*, coalesce((SELECT array_agg(m.type ORDER BY m.type) FROM standing_measure m WHERE m.sanction_id = w.sanction_id), '{}') AS measures,
              count(*) OVER ()::int AS total
       FROM w WHERE ($5::text IS NULL OR w.node = $5)
       ORDER BY w.decided_at DESC, w.sanction_id LIMIT $6 OFFSET $7`,
      [reader.defaultMarketplace, reader.scope ?? null, span.from, span.to, query.node ?? null, limit, offset],
    );
  const total = rows.length > 0 ? rows[0].total : offset === 0 ? 0 : (await readDecisionSanctions(reader, { ...query, limit: 1, offset: 0 })).total;
  return {
    items: rows.map((r) => ({
      sanctionId: r.sanction_id, merchantId: r.merchant_id, marketplace: r.marketplace, node: r.node, measures: r.measures,
      fineFen: r.fine_fen === null ? null : Number(r.fine_fen), decidedAt: formatShanghai(new Date(r.decided_at)),
    })),
    total, limit, offset,
  };
}
