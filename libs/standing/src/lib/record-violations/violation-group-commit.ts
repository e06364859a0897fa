import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { Histogram } from 'prom-client';
import { CLOUDEVENTS_CONTENT_TYPE, Topics } from '@penalty/contracts';
import { TransactionRunner, withTraceAttributes, type Tx } from '@penalty/messaging';
import { isRetriableDatabaseError } from '@penalty/persistence';
import { PipelineMetrics, traceCarrierOf, type TraceCarrier } from '@penalty/runtime';
import { ViolationIntakeConfig } from './violation-intake.config';

/** One valid violation.detected.v1 event to record. */
export interface ViolationToRecord {
  /** The CloudEvent id: an id recorded before is a duplicate. */
  id: string;
  /** The message key (the merchant id, also the event's subject). */
  merchantId: string;
  /** The event as it is published (as received, so fields unknown to this version survive). */
  value: string;
  /** The trace context of the request that posted it (its server span), published with it. */
  trace?: TraceCarrier;
}

/** ACCEPTED: recorded now, published right after; DUPLICATE: this event id was recorded before, nothing more is done. */
export type RecordedStatus = 'ACCEPTED' | 'DUPLICATE';

/** The events could not be confirmed as recorded (the database is unavailable, or did not answer in time): retrying can help. */
export class IntakeUnavailable extends Error {
  readonly retriable = true;
}

interface Waiting {
  violations: readonly ViolationToRecord[];
  /** Answered already (its deadline passed): left out of any later group. */
  answered: boolean;
  deadline?: NodeJS.Timeout;
  finish(outcome: { statuses: RecordedStatus[] } | { error: unknown }): void;
}

const RECORD_IDS = `
  INSERT INTO processed_event (event_id, topic, outcome)
  SELECT event_id, $2, 'APPLIED' FROM unnest($1::text[]) AS e(event_id)
  ON CONFLICT (event_id) DO NOTHING
  RETURNING event_id`;

/**
 * Group commit of HTTP ingestion: the violations of concurrent requests are recorded in ONE
 * transaction (their ids in processed_event, set-wise, and their outbox rows, written with the
 * commit), and each request is answered once that transaction has committed, never before. One
 * group commits at a time; the requests that arrive meanwhile form the next group, which closes at
 * INGESTION_GROUP_MAX_EVENTS events (a request is never split). A group that opens while none is
 * committing waits INGESTION_GROUP_MAX_WAIT_MS for company, unless the previous group held a single
 * request (a lone producer is not delayed).
 *
 * The outcome per event is exactly what one transaction per request would give: the first request
 * (in arrival order) to carry an id accepts it, any other carrying it, in the same group or later,
 * is told DUPLICATE. A group the database refuses for an error that retrying cannot help is tried
 * again request by request, so one request cannot fail the others; one that fails because the
 * database is unavailable fails each of its requests with IntakeUnavailable.
 */
@Injectable()
export class ViolationGroupCommit implements OnApplicationShutdown {
  private readonly logger = new Logger(ViolationGroupCommit.name);
  private readonly waiting: Waiting[] = [];
  private waitingEvents = 0;
  private committing?: Promise<void>;
  private opening?: NodeJS.Timeout;
  private lastGroupRequests = 0;
  private readonly groupEvents: Histogram;
  private readonly commitSeconds: Histogram;

  constructor(
    private readonly runner: TransactionRunner,
    private readonly config: ViolationIntakeConfig,
    metrics: PipelineMetrics,
  ) {
    this.groupEvents = new Histogram({
      name: 'penalty_ingestion_group_events',
      help: 'Events recorded per group commit of HTTP ingestion',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers: [metrics.registry],
    });
    this.commitSeconds = new Histogram({
      name: 'penalty_ingestion_commit_seconds',
      help: 'Time from the start of a group commit of HTTP ingestion to its commit (statements, outbox lanes, COMMIT)',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics.registry],
    });
  }

  /** Records one request's violations (together, in one group); answers a status per violation, in order, once committed. */
  record(violations: readonly ViolationToRecord[]): Promise<RecordedStatus[]> {
    // Taken now, in the request's context: the group is committed in whichever request's (or a timer's).
    const trace = traceCarrierOf();
    return new Promise<RecordedStatus[]>((resolve, reject) => {
      const waiting: Waiting = {
        violations: trace ? violations.map((v) => ({ ...v, trace })) : violations,
        answered: false,
        finish: (outcome) => {
          if (waiting.answered) return;
          waiting.answered = true;
          clearTimeout(waiting.deadline);
          if ('statuses' in outcome) resolve(outcome.statuses);
          else reject(outcome.error);
        },
      };
      waiting.deadline = setTimeout(
        () => waiting.finish({ error: new IntakeUnavailable(`the database did not confirm the event(s) within ${this.config.INGESTION_COMMIT_TIMEOUT_MS} ms`) }),
        this.config.INGESTION_COMMIT_TIMEOUT_MS,
      );
      this.waiting.push(waiting);
      this.waitingEvents += violations.length;
      this.schedule(false);
    });
  }

  /** At shutdown: what was received is committed (or failed) before the database closes. */
  async onApplicationShutdown(): Promise<void> {
    const deadline = Date.now() + this.config.INGESTION_COMMIT_TIMEOUT_MS;
    while ((this.committing || this.waiting.length > 0) && Date.now() < deadline) {
      if (!this.committing) this.commitNext();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.committing, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
    }
  }

  private schedule(afterCommit: boolean): void {
    if (this.committing || this.waiting.length === 0) return;
    // Requests that waited for the previous group have waited enough; a lone producer (the last group
    // held one request) is not kept waiting for company that does not come.
    if (afterCommit || this.lastGroupRequests <= 1 || this.waitingEvents >= this.config.INGESTION_GROUP_MAX_EVENTS || this.config.INGESTION_GROUP_MAX_WAIT_MS === 0) {
      this.commitNext();
      return;
    }
    this.opening ??= setTimeout(() => {
      this.opening = undefined;
      if (!this.committing) this.commitNext();
    }, this.config.INGESTION_GROUP_MAX_WAIT_MS);
  }

  private commitNext(): void {
    clearTimeout(this.opening);
    this.opening = undefined;
    const group = this.take();
    if (group.length === 0) return;
    this.lastGroupRequests = group.length;
    // A commit that hangs (a database that stopped answering) holds up the next group for at most
    // the commit timeout: its requests have been answered 503 by then, and it may still finish later.
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(hung);
      this.committing = undefined;
      this.schedule(true);
    };
    const hung = setTimeout(() => {
      this.logger.warn(`a group commit has not finished after ${this.config.INGESTION_COMMIT_TIMEOUT_MS} ms; the next group goes ahead`);
      release();
    }, this.config.INGESTION_COMMIT_TIMEOUT_MS);
    this.committing = this.commit(group).finally(release);
  }

  /** Whole requests, in arrival order, up to the group's bound in events (at least one request). */
  private take(): Waiting[] {
    const group: Waiting[] = [];
    let events = 0;
    while (this.waiting.length > 0) {
      const next = this.waiting[0];
      if (!next.answered && group.length > 0 && events + next.violations.length > this.config.INGESTION_GROUP_MAX_EVENTS) break;
      this.waiting.shift();
      this.waitingEvents -= next.violations.length;
      if (next.answered) continue;
      group.push(next);
      events += next.violations.length;
    }
    return group;
  }

  private async commit(group: Waiting[]): Promise<void> {
    const violations = group.flatMap((w) => w.violations);
    const stop = this.commitSeconds.startTimer();
    try {
      // Answered once committed; publication follows right after, in the background.
      // Outside any one request's trace context: each violation carries its own request's (ViolationToRecord.trace).
      const statuses = await context.with(ROOT_CONTEXT, () => this.runner.run((tx) => this.recordAll(tx, violations), { awaitPublication: false }));
      stop();
      this.groupEvents.observe(violations.length);
      let next = 0;
      for (const waiting of group) {
        waiting.finish({ statuses: statuses.slice(next, next + waiting.violations.length) });
        next += waiting.violations.length;
      }
    } catch (error) {
      if (group.length > 1 && !isRetriableDatabaseError(error)) {
        this.logger.warn(`a group of ${group.length} requests failed (${(error as Error).message}); recording them one request at a time`);
        for (const waiting of group) if (!waiting.answered) await this.commit([waiting]);
        return;
      }
      const failure = isRetriableDatabaseError(error) ? new IntakeUnavailable(`the database is unavailable: ${(error as Error).message}`) : error;
      for (const waiting of group) waiting.finish({ error: failure });
    }
  }

  /** One statement for the ids (sorted, so concurrent groups lock them in one order); the outbox rows go with the commit. */
  private async recordAll(tx: Tx, violations: readonly ViolationToRecord[]): Promise<RecordedStatus[]> {
    const ids = [...new Set(violations.map((v) => v.id))].sort();
    const fresh = new Set((await tx.query<{ event_id: string }>(RECORD_IDS, [ids, Topics.ViolationsDetectedV1])).map((r) => r.event_id));
    return violations.map((v) => {
      // The first to carry a fresh id accepts it; later ones in the group are duplicates of it.
      if (!fresh.delete(v.id)) return 'DUPLICATE';
      // The request's trace context as the CloudEvent's tracing extension and as Kafka headers.
      const value = v.trace ? withTraceAttributes(v.value, v.trace) : v.value;
      tx.append({ topic: Topics.ViolationsDetectedV1, key: v.merchantId, value, headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ...v.trace } });
      return 'ACCEPTED';
    });
  }
}
