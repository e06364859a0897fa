import { DATE_TIME_PATTERN, isRfc3339DateTime } from './rfc3339-date-time';

describe('isRfc3339DateTime (the contract date-time)', () => {
  it.each([
    '2023-06-25T10:00:00+08:00',
    '2023-06-25T02:00:00Z',
    '2023-06-25T02:00:00.123456z',
    '2023-06-25t02:00:00-05:30',
    '2024-02-29T00:00:00Z',
    '2016-12-31T23:59:59.999999Z',
    // the bounds: from the epoch (inclusive) to 2100-01-01T00:00:00Z (exclusive), as instants
    '1970-01-01T00:00:00Z',
    '1970-01-01T00:00:00-01:00',
    '2099-12-31T23:59:59.999999999Z',
    '2099-12-31T23:00:00+01:00',
  ])('accepts %s', (value) => expect(isRfc3339DateTime(value)).toBe(true));

  it.each([
    '2023-06-25T10:00:00',
    '2023-06-25',
    '2023-06-25 10:00:00+08:00',
    '2023-02-29T00:00:00Z',
    '2023-13-01T00:00:00Z',
    '2023-06-25T24:00:00Z',
    '2023-06-25T10:00:00+0800',
    '2023-06-25T10:00:00+24:00',
    '1687658400000',
    // a leap second: dates, PostgreSQL and Kafka have none
    '2016-12-31T23:59:60Z',
    // before the epoch
    '1969-12-31T23:59:59.999Z',
    '1970-01-01T07:59:59+08:00',
    '0001-01-01T00:00:00Z',
    '0070-01-01T00:00:00Z',
    // at or past the upper bound
    '2100-01-01T00:00:00Z',
    '2099-12-31T23:00:00-05:00',
    '2100-01-01T00:00:00+08:00',
    '9999-12-31T23:59:59Z',
  ])('rejects %s', (value) => expect(isRfc3339DateTime(value)).toBe(false));

  it('rejects non-strings', () => {
    expect(isRfc3339DateTime(1687658400000)).toBe(false);
    expect(isRfc3339DateTime(new Date())).toBe(false);
  });

  it('publishes a pattern that accepts what it accepts (the instant bounds need the format)', () => {
    const pattern = new RegExp(DATE_TIME_PATTERN, 'u');
    for (const value of ['2023-06-25T10:00:00+08:00', '1970-01-01T00:00:00Z', '2099-12-31T23:59:59.5Z', '2024-02-29t00:00:00z']) {
      expect(pattern.test(value)).toBe(true);
    }
    for (const value of ['2016-12-31T23:59:60Z', '1969-12-31T23:59:59Z', '2100-01-01T00:00:00Z', '2023-06-25T10:00:00']) {
      expect(pattern.test(value)).toBe(false);
    }
  });
});
