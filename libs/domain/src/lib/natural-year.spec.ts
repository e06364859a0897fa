import { addNaturalDays, endOfNaturalYear, formatShanghai, naturalYearOf, shanghaiMidnight, startOfNaturalYear } from './natural-year';

describe('natural year (Asia/Shanghai)', () => {
  it('counts 2024-01-01T00:10+08:00 in 2024 although it is still 2023 in UTC', () => {
    const instant = new Date('2024-01-01T00:10:00+08:00');
    expect(instant.getUTCFullYear()).toBe(2023);
    expect(naturalYearOf(instant)).toBe(2024);
  });

  it.each([
    ['2023-12-31T23:59:59+08:00', 2023],
    ['2023-12-31T16:00:00Z', 2024],
    ['2023-12-31T15:59:59.999Z', 2023],
    ['2023-06-25T10:00:00+08:00', 2023],
    ['2024-12-31T23:59:59-05:00', 2025],
  ])('%s is in natural year %d', (iso, year) => {
    expect(naturalYearOf(new Date(iso))).toBe(year);
  });

  it('starts a year at 1 January 00:00 and ends it at 31 December 24:00, Shanghai time', () => {
    expect(startOfNaturalYear(2024).toISOString()).toBe('2023-12-31T16:00:00.000Z');
    expect(endOfNaturalYear(2024).toISOString()).toBe('2024-12-31T16:00:00.000Z');
    expect(naturalYearOf(new Date(endOfNaturalYear(2024).getTime() - 1))).toBe(2024);
    expect(naturalYearOf(endOfNaturalYear(2024))).toBe(2025);
  });

  it('adds natural days keeping the Shanghai wall-clock time', () => {
    expect(formatShanghai(addNaturalDays(new Date('2023-10-01T10:00:00+08:00'), 15))).toBe('2023-10-16T10:00:00+08:00');
    expect(formatShanghai(addNaturalDays(new Date('2023-12-25T23:30:00+08:00'), 7))).toBe('2024-01-01T23:30:00+08:00');
  });

  it('formats RFC 3339 with the +08:00 offset, milliseconds only when present', () => {
    expect(formatShanghai(new Date('2023-06-25T02:00:00Z'))).toBe('2023-06-25T10:00:00+08:00');
    expect(formatShanghai(new Date('2023-06-25T02:00:00.120Z'))).toBe('2023-06-25T10:00:00.120+08:00');
  });

  it('does not depend on the process time zone', () => {
    const before = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
        process.env.TZ = tz;
        expect(naturalYearOf(new Date('2024-01-01T00:10:00+08:00'))).toBe(2024);
        expect(formatShanghai(new Date('2024-01-01T00:10:00+08:00'))).toBe('2024-01-01T00:10:00+08:00');
      }
    } finally {
      process.env.TZ = before;
    }
  });

  it('reads a calendar date as Shanghai midnight and refuses anything else', () => {
    expect(shanghaiMidnight('2022-06-27').toISOString()).toBe('2022-06-26T16:00:00.000Z');
    expect(() => shanghaiMidnight('27/06/2022')).toThrow('not a YYYY-MM-DD date');
  });
});
