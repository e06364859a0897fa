import { systemClock, type Clock } from '@penalty/domain';

/** Injection token for the domain Clock; tests override it with a FixedClock. */
export const CLOCK = Symbol('CLOCK');
export const clockProvider = { provide: CLOCK, useValue: systemClock as Clock };
