import { systemClock, type Clock } from '@penalty/domain';

/** Injection token for the domain Clock. */
export const CLOCK = Symbol('CLOCK');

/** The system clock moved by a fixed offset: a whole service runs "in the future" (tests, drills). */
export function offsetClock(offsetMs: number, base: Clock = systemClock): Clock {
  return offsetMs === 0 ? base : { now: () => new Date(base.now().getTime() + offsetMs) };
}

/**
 * Reads CLOCK_OFFSET_MS (default 0). Integration tests restart a service with an offset to reach
 * deadlines and measure ends without waiting days; production leaves it unset.
 */
export function clockFromEnvironment(env: Record<string, string | undefined> = process.env): Clock {
  const raw = env.CLOCK_OFFSET_MS;
  if (raw === undefined || raw === '') return systemClock;
  const offset = Number(raw);
  if (!Number.isSafeInteger(offset)) throw new Error(`Invalid configuration:\n  CLOCK_OFFSET_MS: must be a whole number of milliseconds, got ${JSON.stringify(raw)}`);
  return offsetClock(offset);
}

export const clockProvider = { provide: CLOCK, useFactory: (): Clock => clockFromEnvironment() };
