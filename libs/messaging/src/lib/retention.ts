import type { DataSource } from 'typeorm';
import type { Clock } from '@penalty/domain';
import { DueWorkLoop } from '@penalty/runtime';

/** Rows of a table that may go once `age` (a timestamp column or expression) is older than the retention and `where` holds. Code, never input. */
export interface RetentionRule {
  table: string;
  age: string;
  where?: string;
}

/** What every service prunes: processed event ids, finished scheduled tasks, messages set aside long ago. */
export const PIPELINE_RETENTION: readonly RetentionRule[] = [
  { table: 'processed_event', age: 'processed_at' },
  { table: 'scheduled_task', age: 'coalesce(done_at, cancelled_at)', where: 'done_at IS NOT NULL OR cancelled_at IS NOT NULL' },
  { table: 'outbox_refused', age: 'refused_at' },
];

const CHUNK = 5_000;
const TABLE = /^[a-z_][a-z0-9_]*$/;

/**
 * Prunes what is only kept for a while, in bounded deletes (a few thousand rows per statement, so
 * no long lock or transaction), once an hour. Published outbox rows need no rule: they are deleted
 * as soon as they are published.
 */
export class RetentionWorker {
  private readonly loop: DueWorkLoop;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly retentionDays: number,
    private readonly rules: readonly RetentionRule[] = PIPELINE_RETENTION,
    intervalMs = 3_600_000,
  ) {
    for (const rule of rules) if (!TABLE.test(rule.table)) throw new Error(`bad retention rule for ${rule.table}`);
    this.loop = new DueWorkLoop(RetentionWorker.name, async () => {
      await this.prune();
      return { more: false, nextDueAt: null };
    }, clock, { fallbackMs: intervalMs, errorBackoffMs: 60_000 });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Deletes what is older than the retention; answers how many rows went, per table. */
  async prune(): Promise<Record<string, number>> {
    const before = new Date(this.clock.now().getTime() - this.retentionDays * 86_400_000);
    const deleted: Record<string, number> = {};
    for (const rule of this.rules) {
      for (;;) {
        const [, count]: [unknown, number] = await this.dataSource.query(
          `DELETE FROM ${rule.table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${rule.table} WHERE ${rule.age} < $1 ${rule.where ? `AND (${rule.where})` : ''} LIMIT ${CHUNK}))`,
          [before],
        );
        deleted[rule.table] = (deleted[rule.table] ?? 0) + count;
        if (count < CHUNK) break;
      }
    }
    return deleted;
  }
}
