/**
 * Calendar notions of the rulebook in the marketplace's zone, Asia/Shanghai, whatever the process TZ.
 * Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact for every
 * date the platform handles and needs no time-zone database.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant's wall-clock fields in Shanghai, read from a shifted UTC date. */
function shanghaiFields(instant: Date): Date {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
}

export function naturalYearOf(instant: Date): number {
  return shanghaiFields(instant).getUTCFullYear();
}

/** 1 January 00:00 Asia/Shanghai of `year`. */
export function startOfNaturalYear(year: number): Date {
  return new Date(Date.UTC(year, 0, 1) - SHANGHAI_OFFSET_MS);
}

/** Exclusive end of the natural year: the next year's start (31 December 24:00). */
export function endOfNaturalYear(year: number): Date {
  return startOfNaturalYear(year + 1);
}

/** The same Shanghai wall-clock time `days` natural days later (every Shanghai day is 24 h long). */
export function addNaturalDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * DAY_MS);
}

/** Midnight Asia/Shanghai of a calendar date given as YYYY-MM-DD. */
export function shanghaiMidnight(date: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - SHANGHAI_OFFSET_MS);
}

/** RFC 3339 with the +08:00 offset, e.g. 2023-06-25T10:00:00+08:00 (milliseconds only when non-zero). */
export function formatShanghai(instant: Date): string {
  const f = shanghaiFields(instant);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const ms = f.getUTCMilliseconds();
  return (
    `${pad(f.getUTCFullYear(), 4)}-${pad(f.getUTCMonth() + 1)}-${pad(f.getUTCDate())}` +
    `T${pad(f.getUTCHours())}:${pad(f.getUTCMinutes())}:${pad(f.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}+08:00`
  );
}
