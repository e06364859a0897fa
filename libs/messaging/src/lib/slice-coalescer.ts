import type { InboundBatch } from './inbound-batch';

/** One partition's slice waiting for a transaction. */
interface Waiting {
  readonly batch: InboundBatch;
  readonly heartbeat: () => Promise<void>;
  /** True once the partition has moved to another consumer: the slice is then dropped, not applied. */
  readonly stale: () => boolean;
  readonly settle: (outcome: { applied: boolean } | { error: unknown }) => void;
}

export interface SliceCoalescerLimits {
  /** Transactions of the topic applied at once by this process. */
  readonly inFlight: number;
  /** A transaction takes waiting slices up to this many messages (always at least one slice). */
  readonly messages: number;
}

/** Messages of a slice, parsed or dead-lettered. */
const sizeOf = (batch: InboundBatch) => batch.events.length + (batch.deadLetters?.length ?? 0);

/**
 * Applies the slices of one topic's partitions together: a slice that arrives while `inFlight`
 * transactions of its topic are running waits, and the next transaction takes every slice waiting
 * then (up to `messages`), so several partitions' small batches share one transaction's fixed
 * statements instead of each paying them. Nothing waits while a transaction slot is free, so an idle
 * pipeline adds no latency. Each partition has at most one slice here at a time (its consumer awaits
 * it), and its events keep their order, so a merchant's events (one key, one partition) stay in order.
 * The outcome is the transaction's: a failure fails every slice in it, and each partition is read
 * again from its last committed offset.
 */
export class SliceCoalescer {
  private readonly waiting: Waiting[] = [];
  private running = 0;

  constructor(
    private readonly apply: (batch: InboundBatch, heartbeat: () => Promise<void>) => Promise<void>,
    private readonly limits: SliceCoalescerLimits,
  ) {}

  /** Resolves once the slice is durable (true), or dropped because its partition went stale (false). */
  submit(batch: InboundBatch, heartbeat: () => Promise<void>, stale: () => boolean): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.push({ batch, heartbeat, stale, settle: (outcome) => ('error' in outcome ? reject(outcome.error) : resolve(outcome.applied)) });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.limits.inFlight && this.waiting.length > 0) {
      const group = this.takeGroup();
      if (group.length === 0) continue;
      this.running++;
      const merged: InboundBatch = {
        topic: group[0].batch.topic,
        events: group.flatMap((w) => w.batch.events),
        deadLetters: group.flatMap((w) => w.batch.deadLetters ?? []),
      };
      const heartbeat = () => Promise.all(group.map((w) => w.heartbeat())).then(() => undefined);
      this.apply(merged, heartbeat)
        .then(
          () => group.forEach((w) => w.settle({ applied: true })),
          (error: unknown) => group.forEach((w) => w.settle({ error })),
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  /** The waiting slices of the next transaction, oldest first; stale ones are dropped on the way. */
  private takeGroup(): Waiting[] {
    const group: Waiting[] = [];
    let size = 0;
    while (this.waiting.length > 0) {
      const next = this.waiting[0];
      if (next.stale()) {
        this.waiting.shift();
        next.settle({ applied: false });
        continue;
      }
      if (group.length > 0 && size + sizeOf(next.batch) > this.limits.messages) break;
      this.waiting.shift();
      group.push(next);
      size += sizeOf(next.batch);
    }
    return group;
  }
}
