import { Logger } from '@nestjs/common';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { WakeablePause, type PipelineMetrics } from '@penalty/runtime';
import { CLOUDEVENTS_CONTENT_TYPE, type CloudEvent } from '@penalty/contracts';
import { physicalTopic, type KafkaSettings } from './kafka-connection';

/** A message to publish once the surrounding transaction commits. */
export interface OutboxEntry {
  topic: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/** Queues a CloudEvent for publication in the caller's transaction, keyed by its subject (the merchant id). */
export async function appendEventToOutbox(manager: EntityManager, topic: string, event: CloudEvent<object>): Promise<void> {
  await appendToOutbox(manager, {
    topic,
    key: event.subject,
    value: JSON.stringify(event),
    headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
  });
}

export async function appendToOutbox(manager: EntityManager, entry: OutboxEntry): Promise<void> {
  await manager.query('INSERT INTO outbox_message (topic, message_key, value, headers) VALUES ($1, $2, $3, $4)', [
    entry.topic,
    entry.key,
    entry.value,
    JSON.stringify(entry.headers ?? {}),
  ]);
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * Publishes committed outbox rows to Kafka in id order, then marks them published.
 * One relay per schema is active at a time (transaction-level advisory lock), so messages of one
 * merchant leave in the order they were written even with several replicas. A crash between send
 * and mark re-sends: delivery is at-least-once and consumers deduplicate by event id.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private producer?: Producer;
  private running = false;
  private loop?: Promise<void>;
  private readonly idle = new WakeablePause();
  private pending = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly metrics: PipelineMetrics,
    private readonly options = { batchSize: 500, idleMs: 200, errorBackoffMs: 1000 },
  ) {}

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    this.running = true;
    this.loop = this.run();
  }

  /** Asks the relay to look at the outbox now instead of at its next poll. */
  nudge(): void {
    this.pending = true;
    this.idle.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.idle.wake();
    await this.loop;
    await this.producer?.disconnect();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      try {
        published = await this.publishBatch();
      } catch (error) {
        this.logger.warn(`outbox publish failed, retrying: ${(error as Error).message}`);
        // The backlog keeps growing while publishing fails: keep the gauge honest.
        await this.dataSource
          .query('SELECT count(*)::int AS backlog FROM outbox_message WHERE published_at IS NULL')
          .then(([{ backlog }]: { backlog: number }[]) => this.metrics.outboxBacklog.set(backlog))
          .catch(() => undefined);
        await this.idle.pause(this.options.errorBackoffMs);
        continue;
      }
      if (published < this.options.batchSize && !this.pending) await this.idle.pause(this.options.idleMs);
      this.pending = false;
    }
  }

  /** Publishes up to one batch; returns how many messages went out. */
  async publishBatch(): Promise<number> {
    const producer = this.producer;
    if (!producer) throw new Error('OutboxRelay not started');
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':outbox')) AS locked`);
      if (!locked) return 0;
      const rows: OutboxRow[] = await manager.query(
        'SELECT id, topic, message_key, value, headers FROM outbox_message WHERE published_at IS NULL ORDER BY id LIMIT $1',
        [this.options.batchSize],
      );
      if (rows.length === 0) {
        this.metrics.outboxBacklog.set(0);
        return 0;
      }
      const byTopic = new Map<string, OutboxRow[]>();
      for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({
          topic: physicalTopic(this.settings, topic),
          messages: messages.map((m) => ({ key: m.message_key, value: m.value, headers: m.headers })),
        })),
      });
      await manager.query('UPDATE outbox_message SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      for (const [topic, messages] of byTopic) this.metrics.outboxPublished.inc({ topic }, messages.length);
      const [{ backlog }] = await manager.query('SELECT count(*)::int AS backlog FROM outbox_message WHERE published_at IS NULL');
      this.metrics.outboxBacklog.set(backlog);
      return rows.length;
    });
  }
}
