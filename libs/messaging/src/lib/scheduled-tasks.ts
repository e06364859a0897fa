import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Clock } from '@penalty/domain';
import { DueWorkLoop, type DueWork } from '@penalty/runtime';
import { isRejection } from './inbound-batch';
import { findTx, type TransactionRunner } from './transaction-runner';

export interface TaskToSchedule {
  /** What the task does, e.g. DEADLINE_REMINDER; selects the handler. */
  kind: string;
  /** Identifies the task within its kind; scheduling an existing (kind, key) again does nothing. */
  key: string;
  merchantId: string;
  dueAt: Date;
  payload?: Record<string, unknown>;
  /**
   * The handle the task is cancelled by, with every open task of its kind and group (cancelTaskGroups),
   * e.g. every reminder of one deadline of one merchant. Without one the task is never cancelled.
   */
  group?: string;
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

/**
 * One part of a task key, escaped ('%' as %25, '/' as %2F) so that parts are separated by '/' only:
 * ids may contain '/', and a key made of unescaped ids could equal another merchant's key, or start
 * with another's prefix (closing a window of merchant "m" must not cancel the tasks of merchant "m/x").
 */
export function taskKeyPart(part: string): string {
  return part.replace(/%/g, '%25').replace(/\//g, '%2F');
}

/** A task key of escaped parts joined with '/': keys of different parts never collide. */
export function taskKey(...parts: string[]): string {
  return parts.map(taskKeyPart).join('/');
}

/** The prefix shared by every key whose first parts are `parts` (and by no other key): e.g. a task group. */
export function taskKeyPrefix(...parts: string[]): string {
  return `${taskKey(...parts)}/`;
}

/** Runs a due task inside the runner's transaction; what it writes commits with the task's completion. */
export type TaskHandler = (manager: EntityManager, task: DueTask) => Promise<void>;

/** Schedules a task in the caller's transaction, so it exists exactly when the decision that needs it does. */
export async function scheduleTask(manager: EntityManager, task: TaskToSchedule): Promise<boolean> {
  return (await scheduleTasks(manager, [task])) > 0;
}

/** Schedules several tasks in one statement (see scheduleTask); answers how many were new. */
export async function scheduleTasks(manager: EntityManager, tasks: readonly TaskToSchedule[]): Promise<number> {
  if (tasks.length === 0) return 0;
  const inserted: { due_at: Date }[] = await manager.query(
    `INSERT INTO scheduled_task (kind, task_key, merchant_id, due_at, payload, cancel_group)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::text[])
     ON CONFLICT (kind, task_key) DO NOTHING RETURNING due_at`,
    [tasks.map((t) => t.kind), tasks.map((t) => t.key), tasks.map((t) => t.merchantId), tasks.map((t) => t.dueAt), tasks.map((t) => JSON.stringify(t.payload ?? {})), tasks.map((t) => t.group ?? null)],
  );
  if (inserted.length > 0) {
    const earliest = new Date(Math.min(...inserted.map((r) => new Date(r.due_at).getTime())));
    const wake = () => scheduledListeners.forEach((listener) => listener(earliest));
    const tx = findTx(manager);
    if (tx) tx.afterCommit(wake);
    else wake();
  }
  return inserted.length;
}

/**
 * Cancels, in one statement, the open tasks of `kind` in any of `groups` (TaskToSchedule.group);
 * answers how many. An equality on an indexed column, so its cost never depends on the planner's
 * statistics: a key-prefix range join, planned on a table filled since its last ANALYZE (a fresh
 * database, a burst), was a nested loop over every open task per prefix, seconds per batch. Openness
 * is tested as `coalesce(done_at, cancelled_at) IS NULL`, which does not imply the due index's
 * predicate, so that index (estimated near empty without statistics) is never chosen to scan every
 * open task (ScheduledTaskGroupIndex1765100000000).
 */
export async function cancelTaskGroups(manager: EntityManager, kind: string, groups: readonly string[], at: Date): Promise<number> {
  const distinct = [...new Set(groups)];
  if (distinct.length === 0) return 0;
  // With the pg driver, TypeORM answers an UPDATE with [rows, affectedCount].
  const [, cancelled]: [unknown[], number] = await manager.query(
    `UPDATE scheduled_task SET cancelled_at = $3
      WHERE kind = $1 AND cancel_group = ANY($2::text[]) AND coalesce(done_at, cancelled_at) IS NULL`,
    [kind, distinct, at],
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

/** Tasks scheduled in this process, by the transactions that committed them: the runners look then. */
const scheduledListeners = new Set<(dueAt: Date) => void>();

/**
 * Runs due tasks. Each task's effect and its completion commit together, and due rows are locked with
 * SKIP LOCKED, so a task runs once even with several replicas and across restarts. A handler that
 * fails is retried later with backoff; one that rejects the task (coded, non-retriable) marks it done
 * with the reason, since running it again cannot succeed. Idle, it sleeps until the next task falls
 * due, woken early when this process schedules an earlier one (and by a slow poll for other replicas').
 * Lock order as everywhere: the task rows first, the outbox lanes of what the tasks publish at the commit.
 */
export class ScheduledTaskRunner {
  private readonly logger = new Logger(ScheduledTaskRunner.name);
  private readonly loop: DueWorkLoop;
  private readonly onScheduled = (dueAt: Date) => this.loop.wake(dueAt);

  constructor(
    private readonly runner: TransactionRunner,
    private readonly clock: Clock,
    private readonly handlers: Record<string, TaskHandler>,
    private readonly options = { batchSize: 100, retryBaseMs: 5_000, retryMaxMs: 600_000, fallbackMs: 30_000 },
  ) {
    this.loop = new DueWorkLoop(ScheduledTaskRunner.name, () => this.runDueWork(), clock, { fallbackMs: options.fallbackMs, errorBackoffMs: 1_000 });
  }

  start(): void {
    scheduledListeners.add(this.onScheduled);
    this.loop.start();
  }

  async stop(): Promise<void> {
    scheduledListeners.delete(this.onScheduled);
    await this.loop.stop();
  }

  private async runDueWork(): Promise<DueWork> {
    const { looked } = await this.runDueTasks();
    const kinds = Object.keys(this.handlers);
    const [{ next }]: { next: Date | null }[] = await this.runner.dataSource.query(
      'SELECT min(due_at) AS next FROM scheduled_task WHERE done_at IS NULL AND cancelled_at IS NULL AND kind = ANY($1::text[])',
      [kinds],
    );
    return { more: looked >= this.options.batchSize, nextDueAt: next ? new Date(next) : null };
  }

  /** Runs every task due at the clock's now (up to one batch); returns how many completed. */
  async runDue(): Promise<number> {
    return (await this.runDueTasks()).completed;
  }

  private async runDueTasks(): Promise<{ looked: number; completed: number }> {
    const now = this.clock.now();
    const kinds = Object.keys(this.handlers);
    const peeked: { id: string; merchant_id: string }[] = await this.runner.dataSource.query(
      `SELECT id, merchant_id FROM scheduled_task
       WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at <= $1 AND kind = ANY($2::text[])
       ORDER BY due_at, id LIMIT $3`,
      [now, kinds, this.options.batchSize],
    );
    if (peeked.length === 0) return { looked: 0, completed: 0 };
    const completed = await this.runner.run(
      async ({ manager }) => {
        // Still due and not taken by another replica meanwhile.
        const due: TaskRow[] = await manager.query(
          `SELECT id, kind, task_key, merchant_id, due_at, payload, attempts FROM scheduled_task
           WHERE id = ANY($1::bigint[]) AND done_at IS NULL AND cancelled_at IS NULL AND due_at <= $2
           ORDER BY due_at, id FOR UPDATE SKIP LOCKED`,
          [peeked.map((t) => t.id), now],
        );
        let done = 0;
        for (const row of due) if (await this.runOne(manager, row, now)) done++;
        return done;
      },
    );
    return { looked: peeked.length, completed };
  }

  /** Runs one task in a savepoint; answers whether it completed. */
  private async runOne(manager: EntityManager, row: TaskRow, now: Date): Promise<boolean> {
    const task: DueTask = { id: row.id, kind: row.kind, key: row.task_key, merchantId: row.merchant_id, dueAt: new Date(row.due_at), payload: row.payload, attempts: row.attempts };
    await manager.query('SAVEPOINT scheduled_task');
    try {
      await this.handlers[row.kind](manager, task);
      await manager.query('RELEASE SAVEPOINT scheduled_task');
      await manager.query('UPDATE scheduled_task SET done_at = $2, attempts = attempts + 1 WHERE id = $1', [row.id, now]);
      return true;
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
      return false;
    }
  }
}
