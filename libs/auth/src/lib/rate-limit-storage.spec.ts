import { SlidingWindowThrottlerStorage } from './rate-limit-storage';

describe('sliding-window rate limit counts', () => {
  let clock = 0;
  const storage = () => new SlidingWindowThrottlerStorage(() => clock);
  const MINUTE = 60_000;
  beforeEach(() => (clock = 1_000_000));

  it('allows the limit within a window and refuses the next, blocking the key for the block duration', async () => {
    const s = storage();
    for (let i = 0; i < 8; i++) expect((await s.increment('ip-1', MINUTE, 8, MINUTE, 'sign-in')).isBlocked).toBe(false);
    const refused = await s.increment('ip-1', MINUTE, 8, MINUTE, 'sign-in');
    expect(refused).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
    // Another key, or another throttler, has its own count.
    expect((await s.increment('ip-2', MINUTE, 8, MINUTE, 'sign-in')).isBlocked).toBe(false);
    expect((await s.increment('ip-1', MINUTE, 8, MINUTE, 'ingestion')).isBlocked).toBe(false);
    // Still blocked later in the block, even across the window's end; free once it is over.
    clock += 59_000;
    expect((await s.increment('ip-1', MINUTE, 8, MINUTE, 'sign-in')).isBlocked).toBe(true);
    clock += 61_000;
    expect((await s.increment('ip-1', MINUTE, 8, MINUTE, 'sign-in')).isBlocked).toBe(false);
  });

  it('counts the previous window by how much of it is still within the last ttl', async () => {
    const s = storage();
    for (let i = 0; i < 100; i++) await s.increment('key', MINUTE, 100, 0, 'ingestion');
    expect((await s.increment('key', MINUTE, 100, 0, 'ingestion')).isBlocked).toBe(true);
    // A quarter into the next window, three quarters of the previous 100 still count: 25 more fit.
    clock += MINUTE + MINUTE / 4;
    let allowed = 0;
    while (!(await s.increment('key', MINUTE, 100, 0, 'ingestion')).isBlocked) allowed++;
    expect(allowed).toBe(25);
    // Two windows later nothing of it counts.
    clock += 2 * MINUTE;
    expect((await s.increment('key', MINUTE, 100, 0, 'ingestion')).totalHits).toBe(1);
  });

  it('refuses without blocking when there is no block duration, and reports what is left of the window', async () => {
    const s = storage();
    await s.increment('key', MINUTE, 1, 0, 'ingestion');
    clock += 30_000;
    expect(await s.increment('key', MINUTE, 1, 0, 'ingestion')).toMatchObject({ isBlocked: true, timeToExpire: 30 });
  });

  it('keeps one record per key however many hits it counts, and forgets idle keys', async () => {
    const s = storage();
    for (let i = 0; i < 100_000; i++) await s.increment('busy-key', MINUTE, 1_000_000, MINUTE, 'ingestion');
    expect(await s.increment('busy-key', MINUTE, 1_000_000, MINUTE, 'ingestion')).toMatchObject({ totalHits: 100_001, isBlocked: false });
    expect(s.size).toBe(1);
    await s.increment('idle-key', MINUTE, 10, MINUTE, 'sign-in');
    clock += 3 * MINUTE;
    s.sweep();
    expect(s.size).toBe(0);
    s.onModuleDestroy();
  });
});
