import { describe, expect, it } from '@jest/globals';
import { countdown, shortId } from './format';

describe('the review queue clock', () => {
  const now = Date.parse('2026-12-02T10:00:00+08:00');

  it('reads days and a running clock while more than a day is left', () => {
    expect(countdown('2026-12-04T13:04:05+08:00', now)).toEqual({ text: '2d 03:04:05', urgency: 'NORMAL' });
  });

  it('turns urgent under a day, down to the last second', () => {
    expect(countdown('2026-12-03T09:59:59+08:00', now)).toEqual({ text: '23:59:59', urgency: 'UNDER_A_DAY' });
    expect(countdown('2026-12-02T10:00:01+08:00', now)).toEqual({ text: '00:00:01', urgency: 'UNDER_A_DAY' });
  });

  it('says overdue once the deadline has passed, and nothing without one', () => {
    expect(countdown('2026-12-02T10:00:00+08:00', now)?.urgency).toBe('OVERDUE');
    expect(countdown('2026-11-30T10:00:00+08:00', now)?.urgency).toBe('OVERDUE');
    expect(countdown(null, now)).toBeNull();
    expect(countdown('not a date', now)).toBeNull();
  });
});

describe('short ids', () => {
  it('shortens a UUID to 8 characters and keeps other ids whole', () => {
    expect(shortId('0f8c1e2a-3b4c-4d5e-8f90-123456789abc')).toBe('0f8c1e2a');
    // Version 7: ids made in the same minutes share their first characters, so the last 8 tell them apart.
    expect(shortId('01a237d0-1c2d-7e3f-9a4b-5c6d7e8f9012')).toBe('…7e8f9012');
    expect(shortId('demo-m-1001')).toBe('demo-m-1001');
    expect(shortId('violation-7f3a')).toBe('violation-7f3a');
  });
});
