import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { subscribeWhenKnown } from './subscribe-when-known';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import { DeadLetterReasons, eventTypesOn, parseCloudEvent, type TopicName } from '@penalty/contracts';
import type { Clock } from '@penalty/domain';
import { isRetriableDatabaseError } from '@penalty/persistence';
import type { PipelineMetrics } from '@penalty/runtime';
import { messageKey, type DeadLetter } from './dead-letter';
import { isRejection, type InboundBatch, type InboundEvent } from './inbound-batch';
import { traceCarrierOfMessage } from './event-tracing';
import { ensureTopics, logicalTopic, physicalTopic, type KafkaSettings } from './kafka-connection';
import { REPLAYED_FROM_HEADER } from './transactional-inbox';
import { SliceCoalescer } from './slice-coalescer';

const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
/** A fetched batch is applied in slices of at most this many messages and bytes, each committed on its own. */
const SLICE_MESSAGES = 500;
const SLICE_BYTES = 1024 * 1024;
const WATCHDOG_INTERVAL_MS = 5_000;
/** How often consumer lag is sampled from the broker, so it stays current while nothing is consumed. */
const LAG_SAMPLE_INTERVAL_MS = 15_000;

export interface KafkaBatchTransportOptions {
  kafka: Kafka;
  settings: KafkaSettings;
  groupId: string;
  metrics: PipelineMetrics;
  clock: Clock;
  /** How long the group waits for a silent member before moving its partitions (default 10 s). */
  sessionTimeoutMs?: number;
  /** A fetch returns once this many bytes are there, or after fetchMaxWaitMs (defaults 1 and 3 s, at most a third of the session timeout). */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  /** Partitions processed in parallel by this instance (each partition stays sequential); default: all of them. */
  partitionsConsumedConcurrently?: number;
  /**
   * Transactions per topic applied at once (default 1; CONSUMER_TRANSACTIONS_IN_FLIGHT). Slices of
   * other partitions that arrive meanwhile wait and share the next transaction (SliceCoalescer), up
   * to coalesceMessages (default 2,000).
   */
  transactionsInFlight?: number;
  coalesceMessages?: number;
  /** Attempts per batch (and then per event) before a non-retriable failure is dead-lettered. */
  attempts?: number;
  retryBaseMs?: number;
  /**
   * Topics this service reads but another service owns the dead letters of: events that fail to parse
   * there are skipped (the owner dead-letters them), so one poison message is not dead-lettered twice.
   */
  observedTopics?: readonly string[];
}

/**
 * Lets the original error reach the transport. Nest's default RPC filter replaces any error with a
 * generic object, which would hide whether it is retriable or a rejection.
 */
@Catch()
export class RethrowRpcErrorsFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * A Nest microservice transport that consumes Kafka with kafkajs `eachBatch`: handlers registered
 * with `@EventPattern(<contract topic>)` receive slices of fetched batches (each bounded in messages
 * and bytes; the slices of several partitions that wait together are merged, see SliceCoalescer) as
 * an InboundBatch of parsed, schema-valid events, and apply it in one database transaction
 * (TransactionalInbox). Messages that cannot be parsed travel with it as dead letters, which the
 * inbox records once and sends to `<topic>.dlq` with the reason in headers, so one poison message
 * never blocks its partition. Every partition is consumed concurrently. Offsets are committed only
 * after the handler returned, i.e. after the state is durable.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(KafkaBatchTransport.name);
  private consumer?: Consumer;
  private joined = false;
  private lastActivity = 0;
  /** Slices being applied right now: a consumer busy applying is not stuck, however long since it fetched. */
  private applying = 0;
  private restarting = false;
  private watchdog?: NodeJS.Timeout;
  private lagSampler?: NodeJS.Timeout;
  private admin?: Admin;
  private readonly coalescers = new Map<string, SliceCoalescer>();

  constructor(private readonly options: KafkaBatchTransportOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), callback);
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    clearInterval(this.lagSampler);
    await this.admin?.disconnect().catch(() => undefined);
    await this.consumer?.disconnect();
    this.joined = false;
  }

  on(): never {
    throw new Error('KafkaBatchTransport does not emit status events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  /** True once the consumer has joined its group (used by the readiness probe). */
  isReady(): boolean {
    return this.joined;
  }

  private async start(): Promise<void> {
    const { kafka, settings } = this.options;
    const topics = [...this.messageHandlers.keys()];
    await ensureTopics(kafka, settings, topics, topics);
    // Every dead-letter series starts at 0, so increase() sees the first dead letter after a restart.
    for (const topic of topics) for (const reason of DeadLetterReasons) this.options.metrics.deadLettered.inc({ topic, reason }, 0);
    await this.startConsumer(topics);
    this.watchdog = setInterval(() => void this.checkConsumerAlive(topics), WATCHDOG_INTERVAL_MS);
    this.admin = kafka.admin();
    await this.admin.connect();
    this.lagSampler = setInterval(() => void this.sampleLag(topics).catch((e: Error) => this.logger.warn(`lag sampling failed: ${e.message}`)), LAG_SAMPLE_INTERVAL_MS);
  }

  /** Lag per partition from the broker: high watermark minus the group's committed offset. */
  private async sampleLag(topics: string[]): Promise<void> {
    const { settings, groupId, metrics } = this.options;
    const admin = this.admin!;
    const committed = await admin.fetchOffsets({ groupId, topics: topics.map((t) => physicalTopic(settings, t)) });
    for (const { topic: physical, partitions } of committed) {
      const ends = new Map((await admin.fetchTopicOffsets(physical)).map((p) => [p.partition, BigInt(p.high)]));
      const topic = logicalTopic(settings, physical);
      for (const { partition, offset } of partitions) {
        const high = ends.get(partition) ?? 0n;
        const done = offset === '-1' ? 0n : BigInt(offset);
        metrics.consumerLag.set({ topic, partition: String(partition) }, Number(high > done ? high - done : 0n));
      }
    }
  }

  private async startConsumer(topics: string[]): Promise<void> {
    const { kafka, settings, groupId } = this.options;
    const sessionTimeout = this.sessionTimeoutMs;
    // The broker answers a fetch as soon as there is data; an idle fetch waits up to 3 s, well inside
    // the session (kafkajs heartbeats between fetches).
    const maxWaitTimeInMs = Math.min(this.options.fetchMaxWaitMs ?? 3_000, Math.floor(sessionTimeout / 3));
    const consumer = kafka.consumer({ groupId, minBytes: this.options.fetchMinBytes ?? 1, maxWaitTimeInMs, sessionTimeout, heartbeatInterval: Math.floor(sessionTimeout / 5) });
    this.consumer = consumer;
    this.lastActivity = Date.now();
    const alive = () => (this.lastActivity = Date.now());
    consumer.on(consumer.events.GROUP_JOIN, () => {
      alive();
      this.joined = true;
    });
    consumer.on(consumer.events.FETCH, alive);
    consumer.on(consumer.events.HEARTBEAT, alive);
    consumer.on(consumer.events.START_BATCH_PROCESS, alive);
    consumer.on(consumer.events.CRASH, (e) =>
      this.logger.error(`consumer crashed (restart: ${e.payload.restart}): ${e.payload.error.stack ?? e.payload.error.message}`),
    );
    consumer.on(consumer.events.STOP, () => (this.joined = false));
    await consumer.connect();
    await subscribeWhenKnown(consumer, topics.map((t) => physicalTopic(settings, t)));
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? topics.length * settings.partitions,
      eachBatch: (payload) =>
        this.consumeBatch(payload).catch((error: Error) => {
          // kafkajs re-fetches from the last committed offset; the log says why.
          this.logger.warn(`batch ${payload.batch.topic}[${payload.batch.partition}] not committed, will be re-read: ${error.stack ?? error.message}`);
          throw error;
        }),
    });
  }

  private get sessionTimeoutMs(): number {
    return this.options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  }

  /**
   * A joined consumer fetches or heartbeats every few seconds. One that has done neither for a whole
   * session timeout, and is not applying a batch, has been evicted by the broker and will not come
   * back by itself (seen once in CI: a consumer that stopped right after joining), so it is replaced
   * by a fresh one, and only once the old one has stopped: a process never has two consumers of a
   * partition.
   */
  private async checkConsumerAlive(topics: string[]): Promise<void> {
    if (this.restarting || !this.consumer || this.applying > 0 || Date.now() - this.lastActivity < this.sessionTimeoutMs * 2) return;
    this.restarting = true;
    this.joined = false;
    this.logger.error(`consumer of group ${this.options.groupId} silent for ${Date.now() - this.lastActivity} ms: replacing it`);
    try {
      const stuck = this.consumer;
      await stuck.disconnect().catch((error: Error) => this.logger.warn(`the silent consumer did not disconnect cleanly: ${error.message}`));
      await this.startConsumer(topics);
    } catch (error) {
      this.logger.error(`could not restart the consumer, will retry: ${(error as Error).message}`);
      this.lastActivity = 0;
    } finally {
      this.restarting = false;
    }
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const topic = logicalTopic(this.options.settings, batch.topic);
    const handler = this.getHandlerByPattern(topic);
    if (!handler) throw new Error(`No handler for topic ${topic}`);
    this.options.metrics.consumed.inc({ topic }, batch.messages.length);
    const observed = this.options.observedTopics?.includes(topic) ?? false;

    for (const slice of slices(batch.messages)) {
      // A consumer that lost the partition in a rebalance stops before applying, and before committing.
      if (!isRunning() || isStale()) return;
      const { valid, deadLetters } = this.parseMessages(topic, batch.partition, slice);
      if (deadLetters.length > 0 && observed) this.logger.warn(`skipped ${deadLetters.length} invalid event(s) on ${topic}; its owner dead-letters them`);
      const inbound: InboundBatch = { topic, events: valid, deadLetters: observed ? [] : deadLetters };
      this.applying++;
      // The group hears from this member while a slice waits and is applied, however long it takes.
      const beating = setInterval(() => void heartbeat().catch(() => undefined), Math.floor(this.sessionTimeoutMs / 5));
      try {
        if (inbound.events.length > 0 || inbound.deadLetters!.length > 0) {
          const applied = await this.coalescerOf(topic, handler).submit(inbound, heartbeat, () => !isRunning() || isStale());
          if (!applied) return;
        }
      } finally {
        clearInterval(beating);
        this.applying--;
      }
      if (isStale()) return;
      const last = slice[slice.length - 1].offset;
      resolveOffset(last);
      await this.consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
      this.lastActivity = Date.now();
      await heartbeat();
      const lag = Number(BigInt(batch.highWatermark) - BigInt(last) - 1n);
      this.options.metrics.consumerLag.set({ topic, partition: String(batch.partition) }, Math.max(0, lag));
    }
  }

  private coalescerOf(topic: string, handler: NonNullable<ReturnType<Server['getHandlerByPattern']>>): SliceCoalescer {
    let coalescer = this.coalescers.get(topic);
    if (!coalescer) {
      coalescer = new SliceCoalescer((batch, heartbeat) => this.deliver(handler, batch, heartbeat), {
        inFlight: this.options.transactionsInFlight ?? 1,
        messages: this.options.coalesceMessages ?? 2_000,
      });
      this.coalescers.set(topic, coalescer);
    }
    return coalescer;
  }

  private parseMessages(topic: string, partition: number, messages: KafkaMessage[]): { valid: InboundEvent[]; deadLetters: DeadLetter[] } {
    const valid: InboundEvent[] = [];
    const deadLetters: DeadLetter[] = [];
    const expectedTypes = eventTypesOn(topic as TopicName);
    for (const message of messages) {
      const key = messageKey(message);
      const position = { sourceTopic: topic, partition, offset: message.offset, key, value: message.value };
      const parsed = parseCloudEvent(message.value ?? '', { expectedTypes });
      if (!parsed.ok) {
        deadLetters.push({ ...position, reason: parsed.reason, message: parsed.message });
      } else if (key !== parsed.event.subject) {
        deadLetters.push({ ...position, reason: 'KEY_MISMATCH', message: `message key ${JSON.stringify(key)} differs from subject ${JSON.stringify(parsed.event.subject)}` });
      } else {
        const replayedFrom = message.headers?.[REPLAYED_FROM_HEADER]?.toString();
        const trace = traceCarrierOfMessage(message.headers, parsed.event);
        valid.push({ event: parsed.event, topic, partition, offset: message.offset, key, raw: message.value!, ...(replayedFrom ? { replayedFrom } : {}), ...(trace ? { trace } : {}) });
      }
    }
    return { valid, deadLetters };
  }

  /**
   * Runs the handler on the slice, retrying with backoff. If it keeps failing with an error that is
   * not retriable, each event is tried alone, and the ones that still fail are dead-lettered
   * (PROCESSING_FAILED) with the slice's unparseable messages, through the handler's inbox, so each
   * is dead-lettered once. Retriable errors (database or broker unavailable) are thrown: kafkajs
   * re-fetches from the last committed offset later, and nothing is dead-lettered because of an outage.
   */
  private async deliver(handler: NonNullable<ReturnType<Server['getHandlerByPattern']>>, batch: InboundBatch, heartbeat: () => Promise<void>): Promise<void> {
    const failure = await this.attempt(() => this.invoke(handler, batch), heartbeat);
    if (!failure) return;
    const failed: DeadLetter[] = [];
    if (batch.events.length === 1) {
      failed.push(this.processingFailed(batch.events[0], failure));
    } else if (batch.events.length > 1) {
      this.logger.warn(`batch of ${batch.events.length} events on ${batch.topic} failed (${(failure as Error).message}); retrying event by event`);
      for (const event of batch.events) {
        const eventFailure = await this.attempt(() => this.invoke(handler, { ...batch, events: [event], deadLetters: [] }), heartbeat);
        if (eventFailure) failed.push(this.processingFailed(event, eventFailure));
      }
    }
    const letters = [...(batch.deadLetters ?? []), ...failed];
    const recording = await this.attempt(() => this.invoke(handler, { ...batch, events: [], deadLetters: letters }), heartbeat);
    if (recording) throw recording;
  }

  /** Returns undefined on success, the last error after the final failed attempt; throws if retriable. */
  private async attempt(run: () => Promise<unknown>, heartbeat: () => Promise<void>): Promise<unknown> {
    const attempts = this.options.attempts ?? 3;
    const base = this.options.retryBaseMs ?? 200;
    let lastError: unknown;
    for (let i = 0; i < attempts; i++) {
      try {
        await run();
        return undefined;
      } catch (error) {
        lastError = error;
        if (isRejection(error)) return error;
        await new Promise((r) => setTimeout(r, base * 2 ** i));
        await heartbeat().catch(() => undefined);
      }
    }
    // An outage, or a state that settles by itself (e.g. a rulebook version not read yet): later, not dead-lettered.
    if (isRetriableDatabaseError(lastError) || isTransient(lastError)) throw lastError;
    return lastError;
  }

  private async invoke(handler: NonNullable<ReturnType<Server['getHandlerByPattern']>>, batch: InboundBatch): Promise<unknown> {
    const result = await handler(batch);
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  private processingFailed(event: InboundEvent, error: unknown): DeadLetter {
    const rejected = isRejection(error);
    return {
      sourceTopic: event.topic,
      partition: event.partition,
      offset: event.offset,
      key: event.key,
      value: event.raw,
      reason: rejected ? 'REJECTED' : 'PROCESSING_FAILED',
      code: rejected ? error.code : undefined,
      message: error instanceof Error ? error.message : String(error),
    };
  }

}

/** An error that says trying again later can help (`transient: true`, e.g. RulebookNotCaughtUp). */
const isTransient = (error: unknown) => !!error && typeof error === 'object' && (error as { transient?: unknown }).transient === true;

/** Splits a fetched batch into slices bounded in messages and bytes. */
function slices(messages: KafkaMessage[]): KafkaMessage[][] {
  const out: KafkaMessage[][] = [];
  let slice: KafkaMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.value?.length ?? 0;
    if (slice.length > 0 && (slice.length >= SLICE_MESSAGES || bytes + size > SLICE_BYTES)) {
      out.push(slice);
      slice = [];
      bytes = 0;
    }
    slice.push(message);
    bytes += size;
  }
  if (slice.length > 0) out.push(slice);
  return out;
}

