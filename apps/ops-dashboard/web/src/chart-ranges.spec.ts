import { describe, expect, it } from '@jest/globals';
import { bucketLabel, pointLabel } from './chart-ranges';

describe("the Overview's axis labels (Asia/Shanghai, whatever the browser's zone)", () => {
  it("labels a bucket by its minute or hour, or by its day", () => {
    expect(bucketLabel('2026-11-23T10:05:00+08:00', 'minute')).toBe('10:05');
    expect(bucketLabel('2026-11-23T00:00:00+08:00', 'hour')).toBe('00:00');
    // Shanghai's midnight is the previous day in UTC.
    expect(bucketLabel('2026-11-23T00:00:00+08:00', 'day')).toBe('11-23');
  });

  it("labels a live figure's time with more of the date as the range grows", () => {
    expect(pointLabel('2026-11-23T02:05:09.000Z', '1h')).toBe('10:05:09');
    expect(pointLabel('2026-11-23T02:05:09.000Z', '24h')).toBe('10:05');
    expect(pointLabel('2026-11-22T18:30:00.000Z', '7d')).toBe('11-23 02:30');
    expect(pointLabel('2026-11-22T18:30:00.000Z', '30d')).toBe('11-23 02:30');
  });
});
