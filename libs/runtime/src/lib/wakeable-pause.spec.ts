import { WakeablePause } from './wakeable-pause';

describe('WakeablePause', () => {
  it('ends a pause early when woken, and on its own when not', async () => {
    const pause = new WakeablePause();
    const started = Date.now();
    const woken = pause.pause(10_000);
    pause.wake();
    await woken;
    expect(Date.now() - started).toBeLessThan(1_000);
    const timed = Date.now();
    await pause.pause(20);
    expect(Date.now() - timed).toBeGreaterThanOrEqual(15);
  });

  it('ignores a wake while no pause is running', async () => {
    const pause = new WakeablePause();
    pause.wake();
    let resolved = false;
    const p = pause.pause(50).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(resolved).toBe(false);
    await p;
    expect(resolved).toBe(true);
  });
});
