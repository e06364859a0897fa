import type { DataSource } from 'typeorm';
import { formatShanghai } from '@penalty/domain';
import { ProblemException } from '@penalty/runtime';
import { bucketAt, bucketIndex, rangeWindow } from './decision-ranges';
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
const add = (map: Map<string, Totals>, key: string, fine: number) => {
  const totals = map.get(key) ?? { sanctions: 0, finesFen: 0 };
  map.set(key, { sanctions: totals.sanctions + 1, finesFen: totals.finesFen + fine });
};

/** Today by node and the last 30 days by day (as before), and the asked range by node and by bucket. */
export async function readDecisions(reader: DecisionsReader, query: DecisionsQuery): Promise<DecisionsDto> {
  const window = rangeWindow(query.range ?? '24h', reader.now);
  const month = rangeWindow('30d', reader.now);
  const today = month.starts[29];
  // The 30 days cover every range: one read.
  const rows: { decided_at: Date; fine_fen: string | null; node: string }[] = await reader.dataSource.query(SANCTIONS_IN_WINDOW, [
    reader.defaultMarketplace, reader.scope ?? null, month.from, month.to,
  ]);
  const byToday = new Map<string, Totals>();
  const byRangeNode = new Map<string, Totals>();
  const days = month.starts.map(() => ({ sanctions: 0, finesFen: 0 }));
  const buckets = window.starts.map(() => ({ sanctions: 0, finesFen: 0 }));
  for (const row of rows) {
    const at = new Date(row.decided_at);
    const fine = Number(row.fine_fen ?? 0);
    const day = bucketIndex(month, at);
    if (day !== undefined) {
      days[day].sanctions += 1;
      days[day].finesFen += fine;
    }
    if (at.getTime() >= today.getTime()) add(byToday, row.node, fine);
    const bucket = bucketIndex(window, at);
    if (bucket !== undefined) {
      buckets[bucket].sanctions += 1;
      buckets[bucket].finesFen += fine;
      add(byRangeNode, row.node, fine);
    }
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
