/**
 * The time ranges of the ops dashboard's decision charts and their buckets, in Asia/Shanghai time:
 * the last hour by minute, the last 24 hours by hour, the last 7 and 30 days by day. A range ends with
 * the bucket `now` falls in (the current minute, hour or day, so far) and begins `count - 1` buckets
 * before it. Asia/Shanghai keeps +08:00 all year (no daylight saving), so every bucket has a fixed length.
 */
export const DECISION_RANGES = ['1h', '24h', '7d', '30d'] as const;
export type DecisionRange = (typeof DECISION_RANGES)[number];
export const BUCKET_UNITS = ['minute', 'hour', 'day'] as const;
export type BucketUnit = (typeof BUCKET_UNITS)[number];

const UNIT_MS: Record<BucketUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const RANGE_BUCKETS: Record<DecisionRange, { unit: BucketUnit; count: number }> = {
  '1h': { unit: 'minute', count: 60 },
  '24h': { unit: 'hour', count: 24 },
  '7d': { unit: 'day', count: 7 },
  '30d': { unit: 'day', count: 30 },
};
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The start of the Asia/Shanghai minute, hour or day that `instant` falls in. */
export function bucketStart(instant: Date, unit: BucketUnit): Date {
  const size = UNIT_MS[unit];
  return new Date(Math.floor((instant.getTime() + SHANGHAI_OFFSET_MS) / size) * size - SHANGHAI_OFFSET_MS);
}

export interface RangeWindow {
  range: DecisionRange;
  unit: BucketUnit;
  /** The first bucket's start (inclusive). */
  from: Date;
  /** The end of the last bucket (exclusive). */
  to: Date;
  /** Each bucket's start, oldest first. */
  starts: Date[];
}

/** The buckets of `range` as of `now`. */
export function rangeWindow(range: DecisionRange, now: Date): RangeWindow {
  const { unit, count } = RANGE_BUCKETS[range];
  const size = UNIT_MS[unit];
  const last = bucketStart(now, unit).getTime();
  const starts = Array.from({ length: count }, (_, i) => new Date(last - (count - 1 - i) * size));
  return { range, unit, from: starts[0], to: new Date(last + size), starts };
}

/** How long each of the window's buckets is. */
export const bucketLengthMs = (window: RangeWindow): number => UNIT_MS[window.unit];

/** The index of the bucket `instant` falls in, or undefined outside the window. */
export function bucketIndex(window: RangeWindow, instant: Date): number | undefined {
  const t = instant.getTime();
  if (Number.isNaN(t) || t < window.from.getTime() || t >= window.to.getTime()) return undefined;
  return Math.floor((t - window.from.getTime()) / UNIT_MS[window.unit]);
}

/** The bucket that starts at `start` as [from, to), or undefined when no bucket of the window starts there. */
export function bucketAt(window: RangeWindow, start: Date): { from: Date; to: Date } | undefined {
  const index = bucketIndex(window, start);
  if (index === undefined || window.starts[index].getTime() !== start.getTime()) return undefined;
  return { from: window.starts[index], to: new Date(window.starts[index].getTime() + UNIT_MS[window.unit]) };
}
