import { Logger } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import type { PoolClient } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { CloudEvent } from '@penalty/contracts';
import { traceCarrierOf, traceContextForKey, type TraceCarrier } from '@penalty/runtime';
import { eventEntry, type OutboxEntry, type OutboxPublisher, type StoredEntry } from './outbox';
import { LaneLeases, type LaneHold, type LaneLeaseOptions } from './lane-leases';
import { partitionOfKey } from './outbox-lanes';

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
         -- Lanes with rows from before this statement: left by a writer that crashed or could not publish.
         -- One index probe per distinct lane ($6), not a scan of the outbox against every row's lane.
         (SELECT array_agg(l) FROM unnest($6::int[]) AS l WHERE EXISTS (SELECT 1 FROM outbox_message WHERE lane = l)) AS earlier`;

export interface RunOptions {
  /**
   * false: return once committed and publish in the background (HTTP answers once the rows are
   * durable). Default true: return once published (a consumer then moves on to its next batch).
   */
  awaitPublication?: boolean;
}

/**
 * The one way to change a service's state: one transaction, the outbox written with the commit, and
 * what was written published right after it by this process, from memory. Order per key holds with
 * several writers and replicas because a message's lane (the partition of its key, outbox-lanes.ts)
 * is locked from the outbox write, just before COMMIT, until its messages are on Kafka and deleted:
 * by the process's lease of the lane (LaneLeases: the process's writers of the lane commit in turn and
 * publish one after another, none waiting for another's Kafka send before it commits), or, while
 * another process leases the lane, by the writer's own connection (it commits and publishes after
 * that process has released the lane). Whoever takes a lane first publishes what a crashed or failed
 * writer left in it, before its own. No transaction is open during the Kafka send.
 *
 * Lock order, everywhere: rows first (during the work), lanes last (at the outbox write, ascending,
 * lease or lock). A lane holder takes no row lock after its lanes (it only inserts and deletes outbox
 * rows of its own lanes), so nobody that waits for a lane can be waited for by its holder: no
 * deadlock. A transaction that reads another's committed state needs a lane that the other holds
 * until it has published, so causes are published before their effects.
 */
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly publishing = new Set<Promise<void>>();
  private readonly leases: LaneLeases;

  constructor(
    readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    private readonly partitions: number,
    /** Told when publication failed and rows stay in the outbox. */
    private readonly onPublicationFailed: () => void = () => undefined,
    leaseOptions?: LaneLeaseOptions,
  ) {
    this.leases = new LaneLeases(dataSource, leaseOptions);
  }

  laneOf(key: string): number {
    return partitionOfKey(key, this.partitions);
  }

  async run<T>(work: (tx: Tx) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const queryRunner = this.dataSource.createQueryRunner();
    const client = (await queryRunner.connect()) as PoolClient;
    const tx = new RunnerTx(queryRunner, client);
    let entered: { holds: LaneHold[]; committed: () => void } | undefined;
    let written: Written = { ids: [], earlier: [] };
    let result: T;
    try {
      await client.query('BEGIN');
      result = await work(tx);
      if (tx.entries.length > 0) {
        const lanes = tx.entries.map((e) => this.laneOf(e.key));
        entered = await this.leases.enter(lanes, client);
        written = await this.flush(client, tx.entries, lanes);
      }
      await client.query('COMMIT');
    } catch (error) {
      if (entered) {
        entered.committed();
        for (const hold of entered.holds) if (hold.kind === 'lease') this.leases.leave(hold.lane, 'aborted');
      }
      await this.abandon(queryRunner, client);
      throw error;
    }
    for (const fn of tx.committed) fn();
    if (!entered) {
      // Without messages the transaction took no lane: nothing to publish, nothing to release but the connection.
      await queryRunner.release();
      return result;
    }
    // In commit order: the publication starts after the process's earlier ones of its leased lanes.
    const leased = entered.holds.filter((h) => h.kind === 'lease').map((h) => h.lane);
    let settle!: () => void;
    const previous = this.leases.chain(leased, new Promise<void>((resolve) => (settle = resolve)));
    entered.committed();
    const publication = previous.then(() => this.publishAndRelease(queryRunner, client, tx.entries, written, entered.holds)).finally(settle);
    this.publishing.add(publication);
    void publication.finally(() => this.publishing.delete(publication));
    if (options.awaitPublication !== false) await publication;
    return result;
  }

  /** Waits for the publications still running, then gives up the leases (at shutdown). */
  async drain(): Promise<void> {
    await Promise.all(this.publishing);
    await this.leases.close();
  }

  /** Writes what the transaction queued to the outbox (its lanes are held). */
  private async flush(client: PoolClient, entries: OutboxEntry[], lanes: number[]): Promise<Written> {
    const { rows } = await client.query<{ ids: string[]; earlier: number[] | null }>(FLUSH_SQL, [
      lanes,
      entries.map((e) => e.topic),
      entries.map((e) => e.key),
      entries.map((e) => e.value),
      entries.map((e) => JSON.stringify(e.headers ?? {})),
      [...new Set(lanes)],
    ]);
    return { ids: rows[0].ids, earlier: rows[0].earlier ?? [] };
  }

  /**
   * Publishes what the transaction wrote, after what is left in its lanes from before (rows of a
   * lane it locked itself, of a lease it took, or of a leased lane whose last publication failed,
   * published from the table up to its own rows), deletes it, and releases its lanes.
   */
  private async publishAndRelease(queryRunner: QueryRunner, client: PoolClient, entries: OutboxEntry[], written: Written, holds: LaneHold[]): Promise<void> {
    const leased = holds.filter((h) => h.kind === 'lease').map((h) => h.lane);
    try {
      const earlier = new Set(written.earlier);
      const fromTable = new Set(holds.filter((h) => (h.kind === 'own' ? earlier.has(h.lane) : h.leftovers || this.leases.failed(h.lane))).map((h) => h.lane));
      if (fromTable.size > 0) await this.publisher.drainLanes(client, [...fromTable], written.ids[written.ids.length - 1]);
      const stored: StoredEntry[] = entries.map((e, i) => ({ ...e, id: written.ids[i] })).filter((e) => !fromTable.has(this.laneOf(e.key)));
      const refused = await this.publisher.publish(stored);
      await this.publisher.setAside(client, refused);
      const ids = stored.map((e) => e.id);
      if (ids.some((id) => !/^\d+$/.test(id))) throw new Error('outbox ids must be integers');
      // One round trip: delete what went out, then release the lanes locked here (after the delete has committed).
      await client.query(`BEGIN;DELETE FROM outbox_message WHERE id = ANY('{${ids.join(',')}}'::bigint[]);COMMIT;SELECT pg_advisory_unlock_all()`);
      await queryRunner.release();
      for (const lane of leased) this.leases.leave(lane, 'published');
    } catch (error) {
      this.logger.warn(`publication failed; the outbox keeps the messages for the sweeper: ${(error as Error).message}`);
      for (const lane of leased) this.leases.leave(lane, 'failed');
      this.onPublicationFailed();
      await this.abandon(queryRunner, client);
    }
  }

  /** Rolls back and releases the lanes locked on the connection; a connection that cannot be cleaned up is closed, never reused with locks held. */
  private async abandon(queryRunner: QueryRunner, client: PoolClient): Promise<void> {
    try {
      await client.query('ROLLBACK;SELECT pg_advisory_unlock_all()');
      await queryRunner.release();
    } catch (error) {
      (queryRunner as QueryRunner & { releasePostgresConnection(err?: unknown): Promise<void> }).releasePostgresConnection(error ?? new Error('connection abandoned'));
    }
  }
}

interface Written {
  ids: string[];
  /** Lanes that held rows before the outbox write. */
  earlier: number[];
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
