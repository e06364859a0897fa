// The Overview's time ranges: how their buckets and points are labelled on the charts' axes.
export const CHART_RANGES = ['1h', '24h', '7d', '30d'] as const;
export type ChartRange = (typeof CHART_RANGES)[number];
export type BucketUnit = 'minute' | 'hour' | 'day';

const SHANGHAI = { timeZone: 'Asia/Shanghai', hour12: false } as const;
const CLOCK = new Intl.DateTimeFormat('en-GB', { ...SHANGHAI, hour: '2-digit', minute: '2-digit' });
const CLOCK_SECONDS = new Intl.DateTimeFormat('en-GB', { ...SHANGHAI, hour: '2-digit', minute: '2-digit', second: '2-digit' });
const DAY = new Intl.DateTimeFormat('en-CA', { ...SHANGHAI, month: '2-digit', day: '2-digit' });
const DAY_CLOCK = new Intl.DateTimeFormat('en-CA', { ...SHANGHAI, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** A decisions bucket's start on the axis (Asia/Shanghai): 10:05 for minutes and hours, 11-23 for days. */
export function bucketLabel(start: string, unit: BucketUnit): string {
  return unit === 'day' ? DAY.format(new Date(start)) : CLOCK.format(new Date(start));
}

/** A live figure's time on the axis (Asia/Shanghai): with seconds over an hour, with the hour over 24 hours, with the day beyond. */
export function pointLabel(at: string, range: ChartRange): string {
  const instant = new Date(at);
  if (range === '1h') return CLOCK_SECONDS.format(instant);
  if (range === '24h') return CLOCK.format(instant);
  return DAY_CLOCK.format(instant).replace(',', '');
}
