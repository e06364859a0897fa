import { isRfc3339DateTime } from './rfc3339-date-time';

describe('isRfc3339DateTime', () => {
  it.each([
    '2023-06-25T10:00:00+08:00',
    '2023-06-25T02:00:00Z',
    '2023-06-25T02:00:00.123456z',
    '2023-06-25t02:00:00-05:30',
    '2024-02-29T00:00:00Z',
    '2016-12-31T23:59:60Z',
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
  ])('rejects %s', (value) => expect(isRfc3339DateTime(value)).toBe(false));

  it('rejects non-strings', () => {
    expect(isRfc3339DateTime(1687658400000)).toBe(false);
    expect(isRfc3339DateTime(new Date())).toBe(false);
  });
});
