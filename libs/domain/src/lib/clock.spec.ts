import { FixedClock, systemClock } from './clock';

describe('clocks', () => {
  it('a FixedClock stands still until set or advanced', () => {
    const clock = new FixedClock('2023-12-31T23:59:00+08:00');
    expect(clock.now().toISOString()).toBe('2023-12-31T15:59:00.000Z');
    clock.advance(120_000);
    expect(clock.now().toISOString()).toBe('2023-12-31T16:01:00.000Z');
    clock.set('2024-06-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2024-06-01T00:00:00.000Z');
  });

  it('the system clock follows real time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now - before).toBeLessThan(5_000);
  });
});
