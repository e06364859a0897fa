import { Logger } from '@nestjs/common';
import { Client, type ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { lockLanesSql, TRY_LEASE_LANES_SQL, UNLOCK_LANES_SQL } from './outbox-lanes';


export interface LaneLeaseOptions {
  /** How long an idle lease is kept for the process's next writer of the lane (default 25 ms). */
  lingerMs?: number;
  /** A lease busy for longer than this takes no new writer until it has drained and been released once (default 250 ms), so other processes get their turn. */
  maxHoldMs?: number;
  /** How long the lease connection is kept without any lease (default 1 s). */
  idleCloseMs?: number;
}

/** What a writer of a lane holds between its outbox write and the end of its publication. */
export type LaneHold =
  /** The process's lease: its publications of the lane are ordered in memory. `leftovers`: rows from before it, to publish first. */
  | { lane: number; kind: 'lease'; leftovers: boolean }
  /** The lane's lock taken by the writer's own connection (another process leases the lane): as a writer without leases. */
  | { lane: number; kind: 'own' };

interface LaneState {
  leased: boolean;
  /** Writers between their lease and the end of their publication. */
  active: number;
  leasedAt: number;
  /** The last publication of the lane in this process: the next one starts after it. */
  tail: Promise<void>;
  /** A publication failed: its rows are still in the table and go out (from it) before anything newer. */
  failed: boolean;
  /** Held from the outbox write to the COMMIT, so the process's commits of a lane are in its publication order. */
  commitTurn: Promise<void>;
  /** When the last writer left (the lease lingers from then). */
  idleSince: number;
  /** Writers waiting for a lease past its time to be released. */
  released?: { promise: Promise<void>; resolve: () => void };
}

/**
 * The outbox lanes this process leases. A lane's messages must reach Kafka in commit order whoever
 * writes them. A process takes a lane's advisory lock on a connection of its own (the lease) for as
 * long as it has writers of the lane, plus a short linger: while it holds it, no other process
 * commits in the lane, and the process orders its own writers in memory (each commits in turn, each
 * publication starts after the previous one), so a writer no longer waits for another's Kafka send
 * before it commits. When another process leases the lane, a writer takes the lock on its own
 * connection as before (TransactionRunner). The lease connection only ever tries locks (never waits),
 * so it is never stuck behind another process; a lease busy for longer than maxHoldMs takes no new
 * writer until it is released, so other processes get their turn, and the connection is used at
 * least that often (a session idle for idle_session_timeout, 15 s, is closed by the server, which is
 * also how a stopped process loses its leases). Lost with the connection (the database restarted):
 * the writers in flight finish, and the next writers lease anew.
 */
export class LaneLeases {
  private readonly logger = new Logger(LaneLeases.name);
  private readonly lanes = new Map<number, LaneState>();
  private connection?: Promise<Client>;
  private idleTimer?: NodeJS.Timeout;
  private lingerTimer?: NodeJS.Timeout;
  private readonly lingerMs: number;
  private readonly maxHoldMs: number;
  private readonly idleCloseMs: number;

  constructor(
    private readonly dataSource: DataSource,
    options: LaneLeaseOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 25;
    this.maxHoldMs = options.maxHoldMs ?? 250;
    this.idleCloseMs = options.idleCloseMs ?? 1_000;
  }

  private state(lane: number): LaneState {
    let state = this.lanes.get(lane);
    if (!state) {
      state = { leased: false, active: 0, leasedAt: 0, idleSince: 0, tail: Promise.resolve(), failed: false, commitTurn: Promise.resolve() };
      this.lanes.set(lane, state);
    }
    return state;
  }

  /**
   * Takes, in ascending lane order, the turn to commit in each lane, then the lanes: the process's
   * lease where it has one or can take one (one statement tries every lane it does not hold), else the
   * lane's lock on `client` (the writer's own connection; another process leases the lane). A writer
   * never holds a lane above one it waits for: leases taken above the first lane it must wait for are
   * given back and taken in order after it. Answers the holds, and `committed()` to call once the
   * COMMIT is over (or failed) to hand the turns on.
   */
  async enter(lanes: readonly number[], client: { query(sql: string): Promise<unknown> }): Promise<{ holds: LaneHold[]; committed: () => void }> {
    const sorted = [...new Set(lanes)].sort((a, b) => a - b);
    const turns: (() => void)[] = [];
    const holds: LaneHold[] = [];
    try {
      for (const lane of sorted) {
        const state = this.state(lane);
        const previous = state.commitTurn;
        let pass!: () => void;
        state.commitTurn = new Promise<void>((resolve) => (pass = resolve));
        turns.push(pass);
        await previous;
      }
      for (const lane of sorted) await this.retireIfOverdue(lane, this.state(lane));
      const unleased = sorted.filter((lane) => !this.state(lane).leased);
      const tried = unleased.length > 0 ? await this.tryLeases(unleased) : new Map<number, { locked: boolean; dirty: boolean }>();
      const firstOwn = sorted.find((lane) => tried.get(lane)?.locked === false);
      const givenBack = firstOwn === undefined ? [] : unleased.filter((lane) => lane > firstOwn && tried.get(lane)!.locked);
      if (givenBack.length > 0) await this.unlock(givenBack);
      for (const lane of sorted) {
        const state = this.state(lane);
        const attempt = tried.get(lane);
        let hold: LaneHold;
        if (firstOwn !== undefined && lane > firstOwn) hold = await this.hold(lane, state);
        else if (lane === firstOwn) hold = { lane, kind: 'own' };
        else if (attempt) hold = this.leased(lane, state, attempt.dirty);
        // Leased before, unless released meanwhile (its linger ran out while this writer waited).
        else hold = state.leased ? this.join(lane, state) : await this.hold(lane, state);
        if (hold.kind === 'own') await client.query(lockLanesSql([lane]));
        holds.push(hold);
      }
    } catch (error) {
      for (const pass of turns) pass();
      for (const hold of holds) if (hold.kind === 'lease') this.leave(hold.lane, 'aborted');
      throw error;
    }
    return { holds, committed: () => turns.forEach((pass) => pass()) };
  }

  /** A lease held past maxHoldMs takes no new writer: it is drained and released first. */
  private async retireIfOverdue(lane: number, state: LaneState): Promise<void> {
    while (state.leased && Date.now() - state.leasedAt > this.maxHoldMs) {
      if (state.active > 0) {
        state.released ??= withResolvers();
        await state.released.promise;
      } else {
        await this.release(lane, state);
      }
    }
  }

  /** One lane on its own: joins the lease, or tries to take it, or answers 'own'. */
  private async hold(lane: number, state: LaneState): Promise<LaneHold> {
    await this.retireIfOverdue(lane, state);
    if (state.leased) return this.join(lane, state);
    const attempt = (await this.tryLeases([lane])).get(lane)!;
    return attempt.locked ? this.leased(lane, state, attempt.dirty) : { lane, kind: 'own' };
  }

  private join(lane: number, state: LaneState): LaneHold {
    state.active++;
    return { lane, kind: 'lease', leftovers: false };
  }

  private leased(lane: number, state: LaneState, dirty: boolean): LaneHold {
    state.leased = true;
    state.leasedAt = Date.now();
    state.active++;
    return { lane, kind: 'lease', leftovers: dirty };
  }

  /** Starts a publication of the leased `lanes` after the previous ones; answers what to wait for, and records the new tail. */
  chain(lanes: readonly number[], publication: Promise<void>): Promise<void> {
    const previous = Promise.all(lanes.map((lane) => this.state(lane).tail));
    const settled = publication.catch(() => undefined);
    for (const lane of lanes) this.state(lane).tail = settled;
    return previous.then(() => undefined);
  }

  /** Whether a publication of the lane failed since it last went out whole (its rows go out from the table first). */
  failed(lane: number): boolean {
    return this.state(lane).failed;
  }

  /**
   * A writer of a leased lane is done: its publication went out (`published`), failed (its rows and
   * the lane's wait in the table), or there was none (`aborted`: rolled back before its commit).
   */
  leave(lane: number, outcome: 'published' | 'failed' | 'aborted'): void {
    const state = this.state(lane);
    if (outcome !== 'aborted') state.failed = outcome === 'failed';
    state.active--;
    if (state.active > 0 || !state.leased) return;
    // A failed lane is released at once, for the sweeper or another process to publish from the table.
    if (state.failed || state.released) {
      void this.release(lane, state);
      return;
    }
    state.idleSince = Date.now();
    this.lingerTimer ??= setTimeout(() => void this.releaseIdle(), this.lingerMs);
  }

  /** Releases, in one statement, every lease idle for the linger; looks again for those idle since less. */
  private async releaseIdle(): Promise<void> {
    this.lingerTimer = undefined;
    const now = Date.now();
    const idle = [...this.lanes].filter(([, s]) => s.leased && s.active === 0);
    const due = idle.filter(([, s]) => now - s.idleSince >= this.lingerMs);
    if (idle.length > due.length) this.lingerTimer = setTimeout(() => void this.releaseIdle(), this.lingerMs);
    if (due.length === 0) return;
    for (const [, state] of due) state.leased = false;
    await this.unlock(due.map(([lane]) => lane));
    for (const [, state] of due) {
      state.released?.resolve();
      state.released = undefined;
    }
    this.closeWhenIdle();
  }

  private async release(lane: number, state: LaneState): Promise<void> {
    if (!state.leased || state.active > 0) return;
    state.leased = false;
    const released = state.released;
    state.released = undefined;
    await this.unlock([lane]);
    released?.resolve();
    this.closeWhenIdle();
  }

  /** Gives up the locks of `lanes` held by the lease connection (gone with it when it failed). */
  private async unlock(lanes: readonly number[]): Promise<void> {
    try {
      const connection = await this.connection;
      await connection?.query(UNLOCK_LANES_SQL, [lanes]);
    } catch (error) {
      this.logger.warn(`could not release outbox lanes ${lanes.join(', ')}: ${(error as Error).message}`);
      this.lost();
    }
  }

  /** Tries the locks of `lanes` in one statement, and says of each whether it holds rows from before. */
  private async tryLeases(lanes: readonly number[]): Promise<Map<number, { locked: boolean; dirty: boolean }>> {
    clearTimeout(this.idleTimer);
    this.connection ??= this.open();
    try {
      const connection = await this.connection;
      const { rows } = await connection.query<{ lane: number; locked: boolean; dirty: boolean }>(TRY_LEASE_LANES_SQL, [lanes]);
      return new Map(rows.map((r) => [r.lane, { locked: r.locked, dirty: r.dirty }]));
    } catch (error) {
      this.lost();
      throw error;
    }
  }

  private async open(): Promise<Client> {
    const options = (this.dataSource.driver as unknown as { master: { options: ClientConfig } }).master.options;
    const client = new Client(options);
    client.on('error', (error) => {
      this.logger.warn(`outbox lane lease connection lost: ${error.message}`);
      this.lost();
    });
    await client.connect();
    return client;
  }

  /** The lease connection failed: its locks are gone. Writers in flight finish; the next ones lease anew. */
  private lost(): void {
    const connection = this.connection;
    this.connection = undefined;
    void connection?.then((c) => c.end()).catch(() => undefined);
    for (const state of this.lanes.values()) {
      state.leased = false;
      state.released?.resolve();
      state.released = undefined;
    }
  }

  private closeWhenIdle(): void {
    clearTimeout(this.idleTimer);
    if ([...this.lanes.values()].some((s) => s.leased)) return;
    this.idleTimer = setTimeout(() => {
      if ([...this.lanes.values()].some((s) => s.leased)) return;
      const connection = this.connection;
      this.connection = undefined;
      void connection?.then((c) => c.end()).catch(() => undefined);
    }, this.idleCloseMs);
    this.idleTimer.unref();
  }

  /** Releases every lease and closes the connection (at shutdown, once no writer is left). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const connection = this.connection;
    this.connection = undefined;
    for (const state of this.lanes.values()) state.leased = false;
    await connection?.then((c) => c.end()).catch(() => undefined);
  }
}

function withResolvers(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
