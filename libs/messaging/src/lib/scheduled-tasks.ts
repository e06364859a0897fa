import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '@penalty/domain';
import { WakeablePause } from '@penalty/runtime';
import { isRejection } from './inbound-batch';

export interface TaskToSchedule {
  /** What the task does, e.g. DEADLINE_REMINDER; selects the handler. */
  kind: string;
  /** Identifies the task within its kind; scheduling an existing (kind, key) again does nothing. */
  key: string;
  merchantId: string;
  dueAt: Date;
  payload?: Record<string, unknown>;
}

export interface DueTask {
  id: string;
  kind: string;
  key: string;
  merchantId: string;
  dueAt: Date;
  payload: Record<string, any>;
  attempts: number;
}

/** Runs a due task inside the runner's transaction; what it writes commits with the task's completion. */
export type TaskHandler = (manager: EntityManager, task: DueTask) => Promise<void>;

/** Schedules a task in the caller's transaction, so it exists exactly when the decision that needs it does. */
export async function scheduleTask(manager: EntityManager, task: TaskToSchedule): Promise<boolean> {
  const inserted: unknown[] = await manager.query(
    `INSERT INTO scheduled_task (kind, task_key, merchant_id, due_at, payload) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (kind, task_key) DO NOTHING RETURNING id`,
    [task.kind, task.key, task.merchantId, task.dueAt, JSON.stringify(task.payload ?? {})],
  );
  return inserted.length > 0;
}

/** Cancels pending tasks of a kind whose key starts with `keyPrefix` (e.g. every reminder of a closed window). */
export async function cancelTasks(manager: EntityManager, kind: string, keyPrefix: string, at: Date): Promise<number> {
  // With the pg driver, TypeORM answers an UPDATE with [rows, affectedCount].
  const [, cancelled]: [unknown[], number] = await manager.query(
    `UPDATE scheduled_task SET cancelled_at = $3
     WHERE kind = $1 AND starts_with(task_key, $2) AND done_at IS NULL AND cancelled_at IS NULL`,
    [kind, keyPrefix, at],
  );
  return cancelled;
}

interface TaskRow {
  id: string;
  kind: string;
  task_key: string;
  merchant_id: string;
  due_at: Date;
  payload: Record<string, any>;
  attempts: number;
}

/**
 * Runs due tasks. Each task's effect and its completion commit together, and due rows are locked with
 * SKIP LOCKED, so a task runs once even with several replicas and across restarts. A handler that
 * fails is retried later with backoff; one that rejects the task (coded, non-retriable) marks it done
 * with the reason, since running it again cannot succeed.
 */
export class ScheduledTaskRunner {
  private readonly logger = new Logger(ScheduledTaskRunner.name);
  private readonly idle = new WakeablePause();
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly handlers: Record<string, TaskHandler>,
    private readonly afterCommit: () => void = () => undefined,
    private readonly options = { batchSize: 100, pollMs: 500, retryBaseMs: 5_000, retryMaxMs: 600_000 },
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

  private async run(): Promise<void> {
    while (this.running) {
      let ran = 0;
      try {
        ran = await this.runDue();
      } catch (error) {
        this.logger.warn(`scheduled tasks failed, retrying: ${(error as Error).message}`);
      }
      if (ran < this.options.batchSize) await this.idle.pause(this.options.pollMs);
    }
  }

  /** Runs every task due at the clock's now (up to one batch); returns how many completed. */
  async runDue(): Promise<number> {
    const now = this.clock.now();
    const kinds = Object.keys(this.handlers);
    const completed = await this.dataSource.transaction(async (manager) => {
      const due: TaskRow[] = await manager.query(
        `SELECT id, kind, task_key, merchant_id, due_at, payload, attempts FROM scheduled_task
         WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at <= $1 AND kind = ANY($2::text[])
         ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [now, kinds, this.options.batchSize],
      );
      let done = 0;
      for (const row of due) {
        const task: DueTask = { id: row.id, kind: row.kind, key: row.task_key, merchantId: row.merchant_id, dueAt: new Date(row.due_at), payload: row.payload, attempts: row.attempts };
        await manager.query('SAVEPOINT scheduled_task');
        try {
          await this.handlers[row.kind](manager, task);
          await manager.query('RELEASE SAVEPOINT scheduled_task');
          await manager.query('UPDATE scheduled_task SET done_at = $2, attempts = attempts + 1 WHERE id = $1', [row.id, now]);
          done++;
        } catch (error) {
          await manager.query('ROLLBACK TO SAVEPOINT scheduled_task');
          const message = error instanceof Error ? error.message : String(error);
          if (isRejection(error)) {
            await manager.query('UPDATE scheduled_task SET done_at = $2, attempts = attempts + 1, last_error = $3 WHERE id = $1', [row.id, now, `${error.code}: ${message}`]);
            this.logger.warn(`task ${row.kind}/${row.task_key} rejected: ${message}`);
          } else {
            const delay = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** row.attempts);
            await manager.query('UPDATE scheduled_task SET attempts = attempts + 1, last_error = $2, due_at = $3 WHERE id = $1', [row.id, message, new Date(now.getTime() + delay)]);
            this.logger.warn(`task ${row.kind}/${row.task_key} failed (attempt ${row.attempts + 1}), retrying in ${delay} ms: ${message}`);
          }
        }
      }
      return done;
    });
    if (completed > 0) this.afterCommit();
    return completed;
  }
}
