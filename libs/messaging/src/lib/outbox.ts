import { Logger } from '@nestjs/common';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { PoolClient } from 'pg';
import { CLOUDEVENTS_CONTENT_TYPE, MAX_MESSAGE_BYTES, type CloudEvent } from '@penalty/contracts';
import type { PipelineMetrics, TraceCarrier } from '@penalty/runtime';
import { physicalTopic, type KafkaSettings } from './kafka-connection';

/** A message to publish once the surrounding transaction commits. */
export interface OutboxEntry {
  topic: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/**
 * A CloudEvent as an outbox entry, keyed by its subject (the merchant id). With a trace context, it is
 * written both as the CloudEvents distributed-tracing extension attribute and as Kafka headers (the
 * contract's tracing attributes).
 */
export function eventEntry(topic: string, event: CloudEvent<object>, trace?: TraceCarrier): OutboxEntry {
  if (!trace?.traceparent) return { topic, key: event.subject, value: JSON.stringify(event), headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } };
  const traced = JSON.stringify({ ...event, ...trace });
  // The attributes never push an event over the contract's limit; the headers still carry the trace.
  const value = withinContractLimit(traced) ? traced : JSON.stringify(event);
  return { topic, key: event.subject, value, headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ...trace } };
}

/** UTF-8 takes at most three bytes per UTF-16 unit: only a long text is measured. */
const withinContractLimit = (text: string) => text.length * 3 <= MAX_MESSAGE_BYTES || Buffer.byteLength(text) <= MAX_MESSAGE_BYTES;

/**
 * A CloudEvent's JSON text with `trace` as its distributed-tracing extension attributes (replacing any
 * it carried: a tracestate belongs to its traceparent). Parsed and written again: only for traced
 * events. Unchanged when the attributes would take it over the contract's 256 KiB (the Kafka headers
 * still carry the trace).
 */
export function withTraceAttributes(value: string, trace: TraceCarrier): string {
  const event = JSON.parse(value) as Record<string, unknown>;
  delete event.tracestate;
  const traced = JSON.stringify(Object.assign(event, trace));
  return withinContractLimit(traced) ? traced : value;
}

/** An entry written to the outbox table, with its row id. */
export interface StoredEntry extends OutboxEntry {
  id: string;
}

/** Publishes at most this many bytes of values per produce request: well below the broker's 1 MiB message.max.bytes. */
const MAX_REQUEST_BYTES = 512 * 1024;

/**
 * What the broker refuses for the message itself (not for the broker's state): retrying cannot help,
 * so such a message is set aside and the rest flows.
 */
const REFUSED_MESSAGE_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_TIMESTAMP']);

function refusalOf(error: unknown): string | undefined {
  for (let e = error as { type?: unknown; cause?: unknown; originalError?: unknown; retriable?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.type === 'string' && REFUSED_MESSAGE_ERRORS.has(e.type)) return e.type;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return undefined;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * Sends outbox entries to Kafka in order with an idempotent producer (acks from all in-sync replicas),
 * in requests bounded in bytes. A message the broker refuses for itself (too large, invalid) is set
 * aside in outbox_refused with the broker's error, counted, and the others still go out: one bad
 * message never stops a lane.
 */
export class OutboxPublisher {
  private readonly logger = new Logger(OutboxPublisher.name);
  private producer?: Producer;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly metrics: PipelineMetrics,
  ) {}

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
  }

  /**
   * Publishes the entries in order; answers those the broker refused (to be set aside by the caller,
   * who owns the rows). Throws when publishing fails for any other reason: nothing is lost, the rows stay.
   */
  async publish<E extends OutboxEntry>(entries: readonly E[]): Promise<{ entry: E; error: string }[]> {
    const refused: { entry: E; error: string }[] = [];
    for (const chunk of byteBoundedChunks(entries)) {
      try {
        await this.send(chunk);
      } catch (error) {
        if (!refusalOf(error)) throw error;
        // Find the refused ones: each alone (in order, so the others keep theirs).
        for (const entry of chunk) {
          try {
            await this.send([entry]);
          } catch (single) {
            const reason = refusalOf(single);
            if (!reason) throw single;
            refused.push({ entry, error: `${reason}: ${(single as Error).message}` });
          }
        }
      }
    }
    return refused;
  }

  /**
   * Publishes and deletes every row of `lanes` (up to `upToId`: a writer's own last row, so that rows
   * of writers committed after it are left to them), oldest first, while those lanes are held: what a
   * crashed writer or a failed publication left behind.
   */
  async drainLanes(client: PoolClient, lanes: readonly number[], upToId?: string): Promise<number> {
    let published = 0;
    for (;;) {
      const { rows } = await client.query<OutboxRow>(
        'SELECT id, topic, message_key, value, headers FROM outbox_message WHERE lane = ANY($1::int[]) AND ($2::bigint IS NULL OR id <= $2::bigint) ORDER BY id LIMIT 500',
        [lanes, upToId ?? null],
      );
      if (rows.length === 0) return published;
      const entries: StoredEntry[] = rows.map((r) => ({ id: r.id, topic: r.topic, key: r.message_key, value: r.value, headers: r.headers }));
      const refused = await this.publish(entries);
      await this.setAside(client, refused);
      await client.query('DELETE FROM outbox_message WHERE id = ANY($1::bigint[])', [entries.map((e) => e.id)]);
      published += entries.length - refused.length;
    }
  }

  private async send(entries: readonly OutboxEntry[]): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error('OutboxPublisher not started');
    const byTopic = new Map<string, OutboxEntry[]>();
    for (const entry of entries) {
      const list = byTopic.get(entry.topic);
      if (list) list.push(entry);
      else byTopic.set(entry.topic, [entry]);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({
        topic: physicalTopic(this.settings, topic),
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      })),
    });
    for (const [topic, messages] of byTopic) this.metrics.outboxPublished.inc({ topic }, messages.length);
  }

  /** Records refused messages aside (outbox_refused) and counts them; the caller deletes their outbox rows. */
  async setAside(client: PoolClient, refused: { entry: OutboxEntry; error: string }[]): Promise<void> {
    await setAside(client, refused);
    for (const { entry, error } of refused) {
      this.metrics.outboxRefused.inc({ topic: entry.topic });
      this.logger.error(`the broker refused a message for ${entry.topic} (key ${entry.key}, ${entry.value.length} bytes); set aside in outbox_refused: ${error}`);
    }
  }
}

async function setAside(client: PoolClient, refused: { entry: OutboxEntry; error: string }[]): Promise<void> {
  if (refused.length === 0) return;
  await client.query(
    `INSERT INTO outbox_refused (topic, message_key, value, headers, error)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[])`,
    [refused.map((r) => r.entry.topic), refused.map((r) => r.entry.key), refused.map((r) => r.entry.value), refused.map((r) => JSON.stringify(r.entry.headers ?? {})), refused.map((r) => r.error)],
  );
}

function* byteBoundedChunks<E extends OutboxEntry>(entries: readonly E[]): Generator<E[]> {
  let chunk: E[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.value) + Buffer.byteLength(entry.key);
    if (chunk.length > 0 && bytes + size > MAX_REQUEST_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(entry);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
