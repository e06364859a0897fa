import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { Degraded, WakeablePause, type PipelineMetrics } from '@penalty/runtime';
import type { OutboxPublisher } from './outbox';
import { TRY_LOCK_LANE_SQL } from './outbox-lanes';

export interface OutboxSweeperOptions {
  /** The fallback poll: how often the outbox is looked at when nobody asks. */
  intervalMs: number;
  /** After a failed publication: how soon to look again. */
  retryMs: number;
}

/**
 * Publishes what writers could not: the messages of a process that crashed between its commit and
 * its publication, or whose publication failed (broker down). Live writers publish their own
 * messages; a lane a writer holds is skipped (its lock is not free), so the sweeper never races one.
 * It runs at start, when told a publication failed, and on a slow poll; it costs one small query per
 * poll on an empty outbox.
 */
export class OutboxSweeper {
  private readonly logger = new Logger(OutboxSweeper.name);
  private readonly idle = new WakeablePause();
  private running = false;
  private loop?: Promise<void>;
  private soon = false;
  /** Age of the oldest message left in the outbox at the last sweep (0: none). */
  oldestAgeMs = 0;
  /** Messages left in the outbox at the last sweep. */
  backlog = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    private readonly metrics: PipelineMetrics,
    private readonly options: OutboxSweeperOptions = { intervalMs: 10_000, retryMs: 1_000 },
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.idle.wake();
    await this.loop;
  }

  /** A publication failed: sweep after the retry delay rather than at the next poll. */
  retrySoon(): void {
    this.soon = true;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let left = 0;
      try {
        left = await this.sweep();
      } catch (error) {
        this.logger.warn(`outbox sweep failed: ${(error as Error).message}`);
        left = 1;
      }
      const retry = this.soon || left > 0;
      this.soon = false;
      await this.idle.pause(retry ? this.options.retryMs : this.options.intervalMs);
    }
  }

  /**
   * For /health/ready: throws Degraded when the outbox has held a message longer than `stallMs`
   * (writers publish within a second of their commit, so an old message means nobody can publish it).
   */
  checkDraining(stallMs: number): void {
    if (this.oldestAgeMs > stallMs) {
      throw new Degraded(`the outbox does not drain: ${this.backlog} message(s) waiting, the oldest for ${Math.round(this.oldestAgeMs / 1000)} s (is Kafka reachable? see the service's log)`);
    }
  }

  /** Publishes what is left in lanes nobody holds; answers how many messages remain in lanes it could not drain. */
  async sweep(): Promise<number> {
    const lanes: { lane: number; n: number; oldest: Date }[] = await this.dataSource.query(
      'SELECT lane, count(*)::int AS n, min(created_at) AS oldest FROM outbox_message GROUP BY lane',
    );
    this.backlog = lanes.reduce((sum, l) => sum + l.n, 0);
    this.metrics.outboxBacklog.set(this.backlog);
    this.oldestAgeMs = lanes.length === 0 ? 0 : Date.now() - Math.min(...lanes.map((l) => new Date(l.oldest).getTime()));
    this.metrics.outboxOldestAge.set(this.oldestAgeMs / 1000);
    if (lanes.length === 0) return 0;
    let left = 0;
    let skipped = 0;
    const queryRunner = this.dataSource.createQueryRunner();
    const client = (await queryRunner.connect()) as PoolClient;
    try {
      for (const { lane, n } of lanes) {
        const [{ locked }] = (await client.query<{ locked: boolean }>(TRY_LOCK_LANE_SQL, [lane])).rows;
        // Held: its writer is publishing it now.
        if (!locked) {
          skipped++;
          continue;
        }
        try {
          const published = await this.publisher.drainLanes(client, [lane]);
          if (published > 0) this.logger.log(`published ${published} message(s) left in outbox lane ${lane}`);
        } catch (error) {
          left += n;
          this.logger.warn(`could not publish outbox lane ${lane}: ${(error as Error).message}`);
        } finally {
          await client.query('SELECT pg_advisory_unlock_all()');
        }
      }
      await queryRunner.release();
    } catch (error) {
      (queryRunner as QueryRunner & { releasePostgresConnection(err?: unknown): Promise<void> }).releasePostgresConnection(error);
      throw error;
    }
    if (left === 0 && skipped === 0) {
      // Everything it found went out: nothing is waiting any more.
      this.backlog = 0;
      this.oldestAgeMs = 0;
      this.metrics.outboxBacklog.set(0);
      this.metrics.outboxOldestAge.set(0);
    }
    return left;
  }
}
