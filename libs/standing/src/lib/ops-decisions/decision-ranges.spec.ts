import { formatShanghai } from '@penalty/domain';
import { bucketAt, bucketIndex, bucketStart, rangeWindow } from './decision-ranges';

const shanghai = (dates: Date[]) => dates.map(formatShanghai);

describe('decision ranges and their buckets (Asia/Shanghai)', () => {
  const now = new Date('2026-11-23T10:17:42.5+08:00');

  it('starts minutes, hours and days on Asia/Shanghai boundaries', () => {
    expect(formatShanghai(bucketStart(now, 'minute'))).toBe('2026-11-23T10:17:00+08:00');
    expect(formatShanghai(bucketStart(now, 'hour'))).toBe('2026-11-23T10:00:00+08:00');
    // 01:30 in Shanghai is still the previous day in UTC: the day starts at Shanghai midnight.
    expect(formatShanghai(bucketStart(new Date('2026-11-23T01:30:00+08:00'), 'day'))).toBe('2026-11-23T00:00:00+08:00');
  });

  it('divides the last hour into 60 minutes, ending with the current one', () => {
    const window = rangeWindow('1h', now);
    expect(window.unit).toBe('minute');
    expect(window.starts).toHaveLength(60);
    expect(shanghai([window.from, window.to])).toEqual(['2026-11-23T09:18:00+08:00', '2026-11-23T10:18:00+08:00']);
  });

  it('divides 24 hours by hour, and 7 and 30 days by Asia/Shanghai day', () => {
    const day = rangeWindow('24h', now);
    expect([day.unit, day.starts.length]).toEqual(['hour', 24]);
    expect(shanghai([day.from, day.to])).toEqual(['2026-11-22T11:00:00+08:00', '2026-11-23T11:00:00+08:00']);
    const week = rangeWindow('7d', now);
    expect([week.unit, week.starts.length]).toEqual(['day', 7]);
    expect(shanghai([week.from, week.to])).toEqual(['2026-11-17T00:00:00+08:00', '2026-11-24T00:00:00+08:00']);
    const month = rangeWindow('30d', now);
    expect(shanghai([month.starts[0], month.starts[29]])).toEqual(['2026-10-25T00:00:00+08:00', '2026-11-23T00:00:00+08:00']);
  });

  it('places an instant in its bucket, and nothing outside the window', () => {
    const window = rangeWindow('24h', now);
    expect(bucketIndex(window, new Date('2026-11-22T11:00:00+08:00'))).toBe(0);
    expect(bucketIndex(window, new Date('2026-11-23T10:59:59.999+08:00'))).toBe(23);
    expect(bucketIndex(window, new Date('2026-11-22T10:59:59.999+08:00'))).toBeUndefined();
    expect(bucketIndex(window, new Date('2026-11-23T11:00:00+08:00'))).toBeUndefined();
  });

  it("finds a bucket by its start, and refuses an instant that is not one of the window's starts", () => {
    const window = rangeWindow('7d', now);
    expect(bucketAt(window, new Date('2026-11-20T00:00:00+08:00'))).toEqual({ from: new Date('2026-11-20T00:00:00+08:00'), to: new Date('2026-11-21T00:00:00+08:00') });
    expect(bucketAt(window, new Date('2026-11-20T08:00:00+08:00'))).toBeUndefined();
    expect(bucketAt(window, new Date('2026-11-01T00:00:00+08:00'))).toBeUndefined();
    // An instant Date cannot read is no bucket either (no 500 behind the validator).
    expect(bucketAt(window, new Date('not a date'))).toBeUndefined();
  });
});
