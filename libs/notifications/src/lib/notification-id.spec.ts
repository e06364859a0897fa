import { NotificationIds } from './notification-id';

describe('NotificationIds', () => {
  const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('makes version 7 UUIDs carrying the millisecond', () => {
    const id = new NotificationIds().next(new Date('2026-11-23T02:00:00.123Z'));
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2026-11-23T02:00:00.123Z'));
  });

  it('increases strictly within one millisecond, past the counter, and when the clock goes back', () => {
    const ids = new NotificationIds();
    const at = new Date('2026-11-23T02:00:00.000Z');
    const made = [...Array.from({ length: 5000 }, () => ids.next(at)), ids.next(new Date(at.getTime() - 60_000)), ids.next(new Date(at.getTime() + 1))];
    for (const id of made) expect(id).toMatch(UUID_V7);
    // PostgreSQL orders uuid bytewise, as these strings order.
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });
});
