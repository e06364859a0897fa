import { Logger } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import type { PoolClient } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { CloudEvent } from '@penalty/contracts';
import { traceCarrierOf, traceContextForKey, type TraceCarrier } from '@penalty/runtime';
import { eventEntry, type OutboxEntry, type OutboxPublisher, type StoredEntry } from './outbox';
import { lockLanesSql, partitionOfKey } from './outbox-lanes';

/** One database transaction of a service, and what it publishes when it commits. */
export interface Tx {
  /** The transaction as a TypeORM EntityManager, for code written against it (same connection). */
  readonly manager: EntityManager;
  /** The rows a statement answers (for an UPDATE … RETURNING too). */
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Queues a message; it is written to the outbox with the commit and published right after it. */
  append(entry: OutboxEntry): void;
  /** Queues a CloudEvent keyed by its subject (the merchant id). */
  publish(topic: string, event: CloudEvent<object>): void;
  /** Runs once the transaction has committed (e.g. to wake a worker). */
  afterCommit(fn: () => void): void;
}

/** Reached from the EntityManager, for helpers that take one (appendToOutbox, scheduleTask, recordAudit). */
const txOfManager = new WeakMap<EntityManager, Tx>();

/** The transaction a TransactionRunner opened for `manager`; outbox writes need one. */
export function txOf(manager: EntityManager): Tx {
  const tx = txOfManager.get(manager);
  if (!tx) throw new Error('outbox writes need a transaction opened by TransactionRunner.run');
  return tx;
}

/** The transaction a TransactionRunner opened for `manager`, if it did. */
export function findTx(manager: EntityManager): Tx | undefined {
  return txOfManager.get(manager);
}

/** Queues a message in the caller's transaction (see Tx.append). */
export function appendToOutbox(manager: EntityManager, entry: OutboxEntry): void {
  txOf(manager).append(entry);
}

/** Queues a CloudEvent in the caller's transaction, keyed by its subject (see Tx.publish). */
export function appendEventToOutbox(manager: EntityManager, topic: string, event: CloudEvent<object>): void {
  txOf(manager).publish(topic, event);
}

const FLUSH_SQL = `
  WITH written AS (
    INSERT INTO outbox_message (lane, topic, message_key, value, headers)
    SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
    RETURNING id
  )
  SELECT (SELECT array_agg(id ORDER BY id)::text[] FROM written) AS ids,
         -- Rows of these lanes from before this statement that this process is not publishing: left by
         -- a writer that crashed or could not publish, or being published by another process.
         (SELECT array_agg(DISTINCT lane) FROM outbox_message WHERE lane = ANY($1::int[]) AND NOT id = ANY($6::bigint[])) AS earlier`;

export interface RunOptions {
  /**
   * false: return once committed and publish in the background (HTTP answers once the rows are
   * durable). Default true: return once published (a consumer then moves on to its next batch).
   */
  awaitPublication?: boolean;
}

/** How long a publication waits for another process's earlier messages of its lanes before publishing them itself. */
const OTHERS_WAIT_MS = 2_000;

/** What one committed transaction publishes. */
interface Publication {
  entries: StoredEntry[];
  lanes: number[];
  /** Lanes that held rows before this transaction's that this process was not publishing. */
  earlier: number[];
}

/**
 * The one way to change a service's state: one transaction, the outbox written with the commit, and
 * what was written published right after it by this process, from memory, and deleted.
 *
 * Order per key holds with several writers and replicas. A message's lane is the partition of its
 * key (outbox-lanes.ts). A transaction takes its lanes' session advisory locks when it writes its
 * outbox rows, the last statement before COMMIT, and releases them with the COMMIT: so within a lane,
 * outbox ids grow in commit order, and only the write and the commit are serial per lane. Then:
 * - in this process, the publications of a lane run one after another in commit order (a chain of
 *   promises per lane), each after every earlier one of its lanes has been sent;
 * - rows another process left before them in the lane (it is publishing them right now, or it
 *   crashed, or its publication failed) are seen by the outbox write itself: the publication waits
 *   until they are gone, and past OTHERS_WAIT_MS publishes them from the table, oldest id first,
 *   before its own (should their writer still send them, a message goes out twice, and consumers
 *   skip the copy by id; never after a later one);
 * - a publication that fails leaves its rows and marks its lanes: the next publication of those lanes
 *   in this process publishes from the table first, and the sweeper is told.
 * So every publisher sends a lane in id order, and the first copy of every message is in order.
 *
 * Lock order, everywhere: rows first (during the work), lanes last (all of a transaction's lanes at
 * once, ascending, at the outbox write, until the COMMIT). A lane holder takes no row lock after its
 * lanes, so nobody that waits for a lane can be waited for by its holder: no deadlock.
 */
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly publishing = new Set<Promise<void>>();
  /** The last publication of each lane in this process: the next one of that lane waits for it. */
  private readonly tails = new Map<number, Promise<void>>();
  /** Outbox ids this process has committed and not yet published and deleted. */
  private readonly pending = new Set<string>();
  /** Lanes whose publication failed here: their rows are published from the table next. */
  private readonly failedLanes = new Set<number>();

  constructor(
    readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    private readonly partitions: number,
    /** Told when publication failed and rows stay in the outbox. */
    private readonly onPublicationFailed: () => void = () => undefined,
  ) {}

  laneOf(key: string): number {
    return partitionOfKey(key, this.partitions);
  }

  /** Lanes with a publication of this process under way (the sweeper leaves them to it). */
  lanesInFlight(): ReadonlySet<number> {
    return new Set(this.tails.keys());
  }

  async run<T>(work: (tx: Tx) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const queryRunner = this.dataSource.createQueryRunner();
    const client = (await queryRunner.connect()) as PoolClient;
    const tx = new RunnerTx(queryRunner, client);
    let publication: Publication | undefined;
    let result: T;
    try {
      await client.query('BEGIN');
      result = await work(tx);
      publication = await this.flush(client, tx.entries);
      // The lanes are released with the commit, in the same round trip.
      await client.query(publication ? 'COMMIT;SELECT pg_advisory_unlock_all()' : 'COMMIT');
    } catch (error) {
      // Rolled back (or, if the commit's answer was lost, left for the next writer and the sweeper).
      for (const e of publication?.entries ?? []) this.pending.delete(e.id);
      await this.abandon(queryRunner, client);
      throw error;
    }
    await queryRunner.release();
    for (const fn of tx.committed) fn();
    if (!publication) return result;
    const published = this.enqueue(publication);
    this.publishing.add(published);
    void published.finally(() => this.publishing.delete(published));
    if (options.awaitPublication !== false) await published;
    return result;
  }

  /** Waits for the publications still running (at shutdown). */
  async drain(): Promise<void> {
    await Promise.all(this.publishing);
  }

  /** Takes the lanes of what the transaction queued (the last locks it takes) and writes it to the outbox. */
  private async flush(client: PoolClient, entries: OutboxEntry[]): Promise<Publication | undefined> {
    if (entries.length === 0) return undefined;
    const lanes = entries.map((e) => this.laneOf(e.key));
    await client.query(lockLanesSql(lanes));
    const { rows } = await client.query<{ ids: string[]; earlier: number[] | null }>(FLUSH_SQL, [
      lanes,
      entries.map((e) => e.topic),
      entries.map((e) => e.key),
      entries.map((e) => e.value),
      entries.map((e) => JSON.stringify(e.headers ?? {})),
      [...this.pending],
    ]);
    const ids = rows[0].ids;
    if (ids.some((id) => !/^\d+$/.test(id))) throw new Error('outbox ids must be integers');
    for (const id of ids) this.pending.add(id);
    return { entries: entries.map((e, i) => ({ ...e, id: ids[i] })), lanes: [...new Set(lanes)], earlier: rows[0].earlier ?? [] };
  }

  /** Chains the publication after the earlier ones of its lanes in this process; never rejects. */
  private enqueue(publication: Publication): Promise<void> {
    const before = publication.lanes.map((lane) => this.tails.get(lane)).filter((p): p is Promise<void> => p !== undefined);
    const published: Promise<void> = Promise.all(before)
      .then(() => this.publish(publication))
      .finally(() => {
        for (const lane of publication.lanes) if (this.tails.get(lane) === published) this.tails.delete(lane);
      });
    for (const lane of publication.lanes) this.tails.set(lane, published);
    return published;
  }

  /** Publishes what the transaction wrote (after what others left in its lanes) and deletes it. */
  private async publish({ entries, earlier }: Publication): Promise<void> {
    try {
      // Lanes where this process's own publication failed hold rows of its own: published from the table at once.
      const failed = new Set([...entries.map((e) => this.laneOf(e.key)), ...earlier].filter((lane) => this.failedLanes.has(lane)));
      const others = earlier.filter((lane) => !failed.has(lane));
      const fromTable = new Set([...failed, ...(others.length > 0 ? await this.waitForOthers(others, entries) : [])]);
      if (fromTable.size > 0) await this.drainFromTable([...fromTable]);
      const own = entries.filter((e) => !fromTable.has(this.laneOf(e.key)));
      if (own.length > 0) {
        const refused = await this.publisher.publish(own);
        if (refused.length > 0) await this.withClient((client) => this.publisher.setAside(client, refused));
        await this.dataSource.query(`DELETE FROM outbox_message WHERE id = ANY('{${own.map((e) => e.id).join(',')}}'::bigint[])`);
      }
    } catch (error) {
      for (const e of entries) this.failedLanes.add(this.laneOf(e.key));
      this.logger.warn(`publication failed; the outbox keeps the messages for the next writer of their lanes and the sweeper: ${(error as Error).message}`);
      this.onPublicationFailed();
    } finally {
      for (const e of entries) this.pending.delete(e.id);
    }
  }

  /**
   * Rows of another process sit before this transaction's in `lanes`: most likely it is publishing
   * them right now. Waits (without a lock or a connection) until they are gone, so that they go out
   * once and before these; answers the lanes where they stayed past OTHERS_WAIT_MS (a writer that
   * crashed or cannot publish), to be published from the table first.
   */
  private async waitForOthers(lanes: number[], entries: StoredEntry[]): Promise<number[]> {
    const firstOwn = entries.reduce((min, e) => (BigInt(e.id) < min ? BigInt(e.id) : min), BigInt(entries[0].id));
    const deadline = Date.now() + OTHERS_WAIT_MS;
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      const rows: { lane: number }[] = await this.dataSource.query(
        'SELECT DISTINCT lane FROM outbox_message WHERE lane = ANY($1::int[]) AND id < $2 AND NOT id = ANY($3::bigint[])',
        [lanes, firstOwn.toString(), [...this.pending]],
      );
      if (rows.length === 0 || Date.now() >= deadline) return rows.map((r) => r.lane);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** Publishes and deletes every row of `lanes`, oldest first, holding their locks meanwhile (no writer commits into them). */
  private async drainFromTable(lanes: number[]): Promise<void> {
    await this.withClient(async (client) => {
      await client.query(lockLanesSql(lanes));
      try {
        await this.publisher.drainLanes(client, lanes);
        for (const lane of lanes) this.failedLanes.delete(lane);
      } finally {
        await client.query('SELECT pg_advisory_unlock_all()');
      }
    });
  }

  private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const queryRunner = this.dataSource.createQueryRunner();
    const client = (await queryRunner.connect()) as PoolClient;
    try {
      const result = await work(client);
      await queryRunner.release();
      return result;
    } catch (error) {
      // A connection that may still hold lane locks is closed, never reused.
      (queryRunner as QueryRunner & { releasePostgresConnection(err?: unknown): Promise<void> }).releasePostgresConnection(error);
      throw error;
    }
  }

  /** Rolls back and releases the lanes; a connection that cannot be cleaned up is closed, never reused with locks held. */
  private async abandon(queryRunner: QueryRunner, client: PoolClient): Promise<void> {
    try {
      await client.query('ROLLBACK;SELECT pg_advisory_unlock_all()');
      await queryRunner.release();
    } catch (error) {
      (queryRunner as QueryRunner & { releasePostgresConnection(err?: unknown): Promise<void> }).releasePostgresConnection(error ?? new Error('connection abandoned'));
    }
  }
}

class RunnerTx implements Tx {
  readonly entries: OutboxEntry[] = [];
  readonly committed: (() => void)[] = [];
  /** The trace context the transaction runs in (an HTTP request's span, a consumed batch's events by key). */
  private readonly traceContext = context.active();

  constructor(
    private readonly queryRunner: QueryRunner,
    private readonly client: PoolClient,
  ) {
    txOfManager.set(queryRunner.manager, this);
  }

  /** The traceparent of what is published under `key`: its consumed cause's, else the request's (none: nothing added). */
  private traceOf(key: string): TraceCarrier | undefined {
    return traceCarrierOf(traceContextForKey(key, this.traceContext));
  }

  get manager(): EntityManager {
    return this.queryRunner.manager;
  }

  async query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.client.query(sql, params)).rows as T[];
  }

  append(entry: OutboxEntry): void {
    // A message that carries its own trace context (e.g. HTTP ingestion's, per request) keeps it.
    const trace = entry.headers?.traceparent ? undefined : this.traceOf(entry.key);
    this.entries.push(trace ? { ...entry, headers: { ...entry.headers, ...trace } } : entry);
  }

  publish(topic: string, event: CloudEvent<object>): void {
    this.entries.push(eventEntry(topic, event, this.traceOf(event.subject)));
  }

  afterCommit(fn: () => void): void {
    this.committed.push(fn);
  }
}
