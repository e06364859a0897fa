import type { OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  ttl: number;
  /** Start of the current fixed window (ms). */
  start: number;
  current: number;
  previous: number;
  blockedUntil: number;
}

/** The record @nestjs/throttler expects back (its ThrottlerStorageRecord). */
interface Counted {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * Rate-limit counts in constant time and memory per key: a sliding-window counter (the hits of the
 * current fixed window plus those of the previous one, weighted by how much of it still lies within
 * the last `ttl`). @nestjs/throttler's own in-memory storage keeps one timestamp per hit and filters
 * them all on every request, which at the ingestion limit (60,000 a minute per key) cost more than
 * the rest of the request. The count is an estimate that assumes the previous window's hits were
 * spread evenly; a key over its limit is refused for `blockDuration` (the throttler's default: its
 * ttl), and a refused request is not counted.
 */
export class SlidingWindowThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly now: () => number = Date.now,
    sweepEveryMs = 60_000,
  ) {
    // Keys idle for two windows (e.g. sign-in attempts of an address that went away) are forgotten.
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<Counted> {
    const now = this.now();
    const id = `${throttlerName}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window || window.ttl !== ttl) {
      window = { ttl, start: now, current: 0, previous: 0, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    if (now >= window.start + ttl) {
      const elapsed = Math.floor((now - window.start) / ttl);
      window.previous = elapsed === 1 ? window.current : 0;
      window.current = 0;
      window.start += elapsed * ttl;
    }
    const timeToExpire = Math.ceil((window.start + ttl - now) / 1000);
    if (window.blockedUntil > now) return { totalHits: limit + 1, timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((window.blockedUntil - now) / 1000) };
    const estimate = window.previous * (1 - (now - window.start) / ttl) + window.current + 1;
    if (estimate > limit) {
      const blockedUntil = blockDuration > 0 ? now + blockDuration : now + Math.ceil(ttl / Math.max(1, limit));
      window.blockedUntil = blockDuration > 0 ? blockedUntil : 0;
      return { totalHits: Math.ceil(estimate), timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((blockedUntil - now) / 1000) };
    }
    window.current++;
    return { totalHits: Math.ceil(estimate), timeToExpire, isBlocked: false, timeToBlockExpire: 0 };
  }

  /** Keys counted (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  sweep(): void {
    const now = this.now();
    for (const [id, w] of this.windows) if (now >= w.start + 2 * w.ttl && w.blockedUntil <= now) this.windows.delete(id);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
