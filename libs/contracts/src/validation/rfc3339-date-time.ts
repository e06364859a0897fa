import { registerDecorator, type ValidationOptions } from 'class-validator';

// The contract's date-time: RFC 3339 section 5.6 `date-time`, offset mandatory (`Z` or `±hh:mm`),
// because `occurredAt` decides the natural year in Asia/Shanghai and a bare local time is
// ambiguous; it must name a real calendar instant, and lie within bounds the platform can store
// and reason about:
// - no leap second (second 60): JavaScript dates, PostgreSQL timestamps and Kafka timestamps have
//   none, so `23:59:60` would silently become the next minute;
// - not before 1970-01-01T00:00:00Z: nothing the contract describes happened before the epoch;
// - before 2100-01-01T00:00:00Z (exclusive): a fixed bound rather than "now + n", so that an event
//   valid today is still valid when it is replayed from a dead-letter topic later, and far above
//   every deadline the platform computes (appeal windows, measure ends, exam chances, top-ups).
// The bounds apply to the instant (the offset taken into account), and the year as written must
// be 1970-2099 too (so that the schema's `pattern` below is part of the rule, not an approximation).
const RFC3339_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** The earliest instant the contract accepts (inclusive). */
export const EARLIEST_DATE_TIME = '1970-01-01T00:00:00Z';
/** The first instant the contract no longer accepts (exclusive bound). */
export const DATE_TIME_LIMIT = '2100-01-01T00:00:00Z';

const EARLIEST_EPOCH_SECONDS = Date.parse(EARLIEST_DATE_TIME) / 1000;
const LIMIT_EPOCH_SECONDS = Date.parse(DATE_TIME_LIMIT) / 1000;

/**
 * The textual part of the rule as a JSON Schema `pattern` (syntax, written year 1970-2099, no
 * second 60), for validators that do not assert `format` (an annotation only, by default, in later
 * JSON Schema drafts). The instant bounds need the `format`: `2099-12-31T23:00:00-05:00` matches
 * the pattern but is refused (it is 2100-01-01T04:00:00Z).
 */
export const DATE_TIME_PATTERN =
  '^(?:19[7-9][0-9]|20[0-9]{2})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$';

/** What the rule says, for messages and the generated schema descriptions. */
export const DATE_TIME_RULE = `an RFC 3339 date-time with offset, from ${EARLIEST_DATE_TIME} up to (not including) ${DATE_TIME_LIMIT}, without a leap second`;

/** The sentence the generated schemas add to the description of every date-time. */
export const DATE_TIME_DESCRIPTION = `Date-time of the contract: RFC 3339 with offset, from ${EARLIEST_DATE_TIME} up to (not including) ${DATE_TIME_LIMIT}, no leap second.`;

/** The constraint name: also the key of its JSON Schema converter (see CONTRACT_SCHEMA_CONVERTERS). */
export const IS_RFC3339_DATE_TIME = 'isRfc3339DateTime';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Gregorian: every event parsed runs this, so no Date is made for it. */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1];
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/**
 * True for a date-time of the contract: RFC 3339 with offset, a real calendar instant, no leap
 * second, from 1970-01-01T00:00:00Z up to (not including) 2100-01-01T00:00:00Z, written with a
 * year from 1970 to 2099.
 */
export function isRfc3339DateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = RFC3339_DATE_TIME.exec(value);
  if (!m) return false;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  const hour = +m[4];
  const minute = +m[5];
  const second = +m[6];
  // The written year is bounded too (and Date.UTC would read years 0-99 as 1900-1999).
  if (year < 1970 || year > 2099) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  let offsetSeconds = 0;
  if (m[7] !== undefined) {
    const offsetHours = +m[8];
    const offsetMinutes = +m[9];
    if (offsetHours > 23 || offsetMinutes > 59) return false;
    offsetSeconds = (m[7] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  }
  // Whole seconds of the instant; the fraction (0 <= f < 1) cannot move it across either bound.
  const epochSeconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetSeconds;
  return epochSeconds >= EARLIEST_EPOCH_SECONDS && epochSeconds < LIMIT_EPOCH_SECONDS;
}

export const dateTimeMessage = (property: string, orNull = false): string =>
  `${property} must be ${DATE_TIME_RULE}${orNull ? ' (or null)' : ''}, e.g. 2023-06-25T10:00:00+08:00`;

export function IsRfc3339DateTime(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: IS_RFC3339_DATE_TIME,
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property }) => dateTimeMessage(property),
        ...options,
      },
      validator: { validate: (value: unknown) => isRfc3339DateTime(value) },
    });
}

/** RFC 3339 text of an instant, in UTC (`…Z`). */
export function toRfc3339(instant: Date): string {
  return instant.toISOString();
}
