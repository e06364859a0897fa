import type { MerchantDifference, MerchantJudgement, Track } from '@penalty/domain';

/** How the merchants of a simulation's report can be ordered: by id, or by the change (after − before) of their points on a track or of their fines. */
export const SIMULATION_MERCHANT_SORTS = ['merchantId', 'general', 'serious', 'fines'] as const;
export type SimulationMerchantSort = (typeof SIMULATION_MERCHANT_SORTS)[number];

const points = (j: MerchantJudgement, track: Track) => j.years.reduce((sum, y) => sum + (y.points[track] ?? 0), 0);
const change = (d: MerchantDifference, sort: Exclude<SimulationMerchantSort, 'merchantId'>): number =>
  sort === 'fines' ? d.after.finesFen - d.before.finesFen : points(d.after, sort === 'general' ? 'GENERAL' : 'SERIOUS') - points(d.before, sort === 'general' ? 'GENERAL' : 'SERIOUS');

/** One page of a report's merchants (the stored ones: at most MAX_STORED_DIFFERENCES), in the order asked, ties by merchant id. */
export function pageOfDifferences(
  differences: readonly MerchantDifference[],
  q: { sort: SimulationMerchantSort; order: 'asc' | 'desc'; limit: number; offset: number },
): MerchantDifference[] {
  const sign = q.order === 'asc' ? 1 : -1;
  const byId = (a: MerchantDifference, b: MerchantDifference) => (a.merchantId < b.merchantId ? -1 : a.merchantId > b.merchantId ? 1 : 0);
  const sorted = [...differences].sort((a, b) => {
    if (q.sort === 'merchantId') return sign * byId(a, b);
    return sign * (change(a, q.sort) - change(b, q.sort)) || byId(a, b);
  });
  return sorted.slice(q.offset, q.offset + q.limit);
}
