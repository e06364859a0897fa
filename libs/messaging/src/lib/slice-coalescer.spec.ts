import type { InboundBatch, InboundEvent } from './inbound-batch';
import { SliceCoalescer } from './slice-coalescer';

const event = (partition: number, offset: number, key: string): InboundEvent => ({
  event: { id: `e-${partition}-${offset}`, subject: key } as InboundEvent['event'],
  topic: 't',
  partition,
  offset: String(offset),
  key,
  raw: Buffer.from('{}'),
});
const slice = (partition: number, offsets: number[]): InboundBatch => ({ topic: 't', events: offsets.map((o) => event(partition, o, `m-${partition}`)) });
const beat = () => Promise.resolve();
const fresh = () => false;

/** An apply whose transactions finish only when the test says so. */
function controlledApply() {
  const calls: { batch: InboundBatch; finish: (error?: unknown) => void }[] = [];
  const apply = (batch: InboundBatch) =>
    new Promise<void>((resolve, reject) => calls.push({ batch, finish: (error) => (error ? reject(error) : resolve()) }));
  return { calls, apply };
}
const tick = () => new Promise((r) => setImmediate(r));
const ids = (batch: InboundBatch) => batch.events.map((e) => e.event.id);

describe('SliceCoalescer', () => {
  it('applies a slice at once while a transaction slot is free (no waiting when idle)', async () => {
    const { calls, apply } = controlledApply();
    const coalescer = new SliceCoalescer(apply, { inFlight: 1, messages: 100 });
    const done = coalescer.submit(slice(0, [1, 2]), beat, fresh);
    await tick();
    expect(calls.map((c) => ids(c.batch))).toEqual([['e-0-1', 'e-0-2']]);
    calls[0].finish();
    await expect(done).resolves.toBe(true);
  });

  it("merges the slices that waited into the next transaction, each partition's events in order", async () => {
    const { calls, apply } = controlledApply();
    const coalescer = new SliceCoalescer(apply, { inFlight: 1, messages: 100 });
    const first = coalescer.submit(slice(0, [1]), beat, fresh);
    const second = coalescer.submit(slice(1, [5, 6]), beat, fresh);
    const third = coalescer.submit(slice(2, [9]), beat, fresh);
    await tick();
    expect(calls).toHaveLength(1);
    calls[0].finish();
    await tick();
    expect(calls.map((c) => ids(c.batch))).toEqual([['e-0-1'], ['e-1-5', 'e-1-6', 'e-2-9']]);
    calls[1].finish();
    await expect(Promise.all([first, second, third])).resolves.toEqual([true, true, true]);
  });

  it('runs up to inFlight transactions at once and bounds a merged one in messages (whole slices only)', async () => {
    const { calls, apply } = controlledApply();
    const coalescer = new SliceCoalescer(apply, { inFlight: 2, messages: 3 });
    const submitted = [slice(0, [1]), slice(1, [1]), slice(2, [1, 2]), slice(3, [1, 2]), slice(4, [1, 2, 3, 4])].map((s) => coalescer.submit(s, beat, fresh));
    await tick();
    expect(calls.map((c) => ids(c.batch))).toEqual([['e-0-1'], ['e-1-1']]);
    calls[0].finish();
    calls[1].finish();
    await tick();
    // p2 and p3 together would be 4 > 3 messages: one each; p4 alone exceeds the bound and still goes, alone.
    expect(calls.slice(2).map((c) => ids(c.batch))).toEqual([['e-2-1', 'e-2-2'], ['e-3-1', 'e-3-2']]);
    calls[2].finish();
    await tick();
    expect(ids(calls[4].batch)).toEqual(['e-4-1', 'e-4-2', 'e-4-3', 'e-4-4']);
    calls[3].finish();
    calls[4].finish();
    await expect(Promise.all(submitted)).resolves.toEqual([true, true, true, true, true]);
  });

  it('fails every slice of a failed transaction, and goes on with the next ones', async () => {
    const { calls, apply } = controlledApply();
    const coalescer = new SliceCoalescer(apply, { inFlight: 1, messages: 100 });
    const first = coalescer.submit(slice(0, [1]), beat, fresh);
    const second = coalescer.submit(slice(1, [1]), beat, fresh);
    const third = coalescer.submit(slice(2, [1]), beat, fresh);
    await tick();
    calls[0].finish();
    await tick();
    const outage = new Error('database unavailable');
    calls[1].finish(outage);
    await expect(second).rejects.toBe(outage);
    await expect(third).rejects.toBe(outage);
    await expect(first).resolves.toBe(true);
    const fourth = coalescer.submit(slice(1, [1]), beat, fresh);
    await tick();
    calls[2].finish();
    await expect(fourth).resolves.toBe(true);
  });

  it('drops a waiting slice whose partition went stale instead of applying it', async () => {
    const { calls, apply } = controlledApply();
    const coalescer = new SliceCoalescer(apply, { inFlight: 1, messages: 100 });
    let revoked = false;
    const first = coalescer.submit(slice(0, [1]), beat, fresh);
    const staleOne = coalescer.submit(slice(1, [1]), beat, () => revoked);
    const kept = coalescer.submit(slice(2, [1]), beat, fresh);
    await tick();
    revoked = true;
    calls[0].finish();
    await expect(staleOne).resolves.toBe(false);
    await tick();
    expect(ids(calls[1].batch)).toEqual(['e-2-1']);
    calls[1].finish();
    await expect(Promise.all([first, kept])).resolves.toEqual([true, true]);
  });

  it("heartbeats every member's consumer session while their merged transaction runs", async () => {
    const beats: number[] = [];
    let heartbeat!: () => Promise<void>;
    const coalescer = new SliceCoalescer(
      (_batch, hb) => {
        heartbeat = hb;
        return new Promise<void>(() => undefined);
      },
      { inFlight: 1, messages: 100 },
    );
    void coalescer.submit(slice(0, [1]), async () => void beats.push(0), fresh);
    await tick();
    await heartbeat();
    expect(beats).toEqual([0]);
  });
});
