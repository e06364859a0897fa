import { registerDecorator, type ValidationOptions } from 'class-validator';

// RFC 3339 section 5.6 `date-time`: the offset (`Z` or `±hh:mm`) is mandatory, because
// `occurredAt` decides the natural year in Asia/Shanghai and a bare local time is ambiguous.
const RFC3339_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** The constraint name: also the key of its JSON Schema converter (see CONTRACT_SCHEMA_CONVERTERS). */
export const IS_RFC3339_DATE_TIME = 'isRfc3339DateTime';

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for an RFC 3339 date-time with offset that names a real calendar instant. */
export function isRfc3339DateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = RFC3339_DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  // second 60 is a leap second, which RFC 3339 allows.
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  return true;
}

export function IsRfc3339DateTime(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: IS_RFC3339_DATE_TIME,
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property }) =>
          `${property} must be an RFC 3339 date-time with offset, e.g. 2023-06-25T10:00:00+08:00`,
        ...options,
      },
      validator: { validate: (value: unknown) => isRfc3339DateTime(value) },
    });
}

/** RFC 3339 text of an instant, in UTC (`…Z`). */
export function toRfc3339(instant: Date): string {
  return instant.toISOString();
}
