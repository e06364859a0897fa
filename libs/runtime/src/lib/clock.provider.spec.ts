import { FixedClock, systemClock } from '@penalty/domain';
import { clockFromEnvironment, offsetClock } from './clock.provider';

describe('service clock', () => {
  it('is the system clock unless an offset is configured', () => {
    expect(clockFromEnvironment({})).toBe(systemClock);
    expect(clockFromEnvironment({ CLOCK_OFFSET_MS: '' })).toBe(systemClock);
  });

  it('moves the base clock by the configured offset', () => {
    const base = new FixedClock('2026-11-23T10:00:00+08:00');
    expect(offsetClock(8 * 86_400_000, base).now().toISOString()).toBe('2026-12-01T02:00:00.000Z');
    const fromEnv = clockFromEnvironment({ CLOCK_OFFSET_MS: '86400000' }).now().getTime() - Date.now();
    expect(Math.abs(fromEnv - 86_400_000)).toBeLessThan(5_000);
  });

  it('refuses an offset that is not a whole number, naming the variable', () => {
    expect(() => clockFromEnvironment({ CLOCK_OFFSET_MS: '8 days' })).toThrow('CLOCK_OFFSET_MS');
  });
});
