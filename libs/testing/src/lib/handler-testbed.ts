import { type Kafka, logLevel } from 'kafkajs';
import type { DataSource, MigrationInterface } from 'typeorm';
import { deadLetterTopicOf, parseCloudEvent } from '@penalty/contracts';
import type { Clock } from '@penalty/domain';
import { createKafkaClient, ensureTopics, OutboxPublisher, TransactionalInbox, TransactionRunner, type InboundBatch, type InboundEvent, type KafkaSettings } from '@penalty/messaging';
import { openServiceDatabase, PIPELINE_MIGRATIONS } from '@penalty/persistence';
import { PipelineMetrics } from '@penalty/runtime';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, type Infrastructure } from './test-infrastructure';
import { TopicRecorder } from './topic-recorder';

export interface HandlerTestbedOptions {
  /** The service's schema and migrations (the shared pipeline tables come first). */
  schema: string;
  migrations: (new () => MigrationInterface)[];
  /** Contract topics the handlers consume or publish to (created with their dead-letter topics, and recorded). */
  topics: string[];
  clock: Clock;
  partitions?: number;
}

/** One "replica": its own data source, producer, runner and inbox on the testbed's database. */
export interface TestReplica {
  dataSource: DataSource;
  runner: TransactionRunner;
  inbox: TransactionalInbox;
}

/**
 * A batch handler's world on real infrastructure, for its behaviour tests: a fresh database with the
 * service's schema, topics in a fresh namespace, replicas that each apply batches through a real
 * TransactionalInbox (and so publish through the real outbox), and a recorder of what was published.
 */
export class HandlerTestbed {
  readonly namespace = `it-${runId()}.`;
  readonly databaseName = `it_${runId()}`;
  readonly metrics = new PipelineMetrics('handler-testbed');
  readonly replicas: TestReplica[] = [];
  recorder!: TopicRecorder;
  private infrastructure?: Infrastructure;
  private databaseUrl?: string;
  private kafka?: Kafka;
  private settings?: KafkaSettings;
  private publishers: OutboxPublisher[] = [];
  private offset = 0;

  constructor(private readonly options: HandlerTestbedOptions) {}

  async start(replicas = 1): Promise<void> {
    this.infrastructure = await obtainInfrastructure();
    const brokers = this.infrastructure.kafkaBrokers.split(',');
    this.settings = { brokers, clientId: 'handler-testbed', topicNamespace: this.namespace, partitions: this.options.partitions ?? 3 };
    this.kafka = createKafkaClient({ clientId: 'handler-testbed', brokers, logLevel: logLevel.NOTHING });
    await ensureTopics(this.kafka, this.settings, this.options.topics, this.options.topics);
    this.databaseUrl = await createFreshDatabase(this.infrastructure.databaseUrl, this.databaseName);
    for (let i = 0; i < replicas; i++) await this.addReplica();
    this.recorder = new TopicRecorder(this.infrastructure.kafkaBrokers, this.options.topics.flatMap((t) => [this.namespace + t, this.namespace + deadLetterTopicOf(t)]));
    await this.recorder.start();
  }

  async addReplica(): Promise<TestReplica> {
    const dataSource = await openServiceDatabase({ url: this.databaseUrl!, schema: this.options.schema, migrations: [...PIPELINE_MIGRATIONS, ...this.options.migrations], poolSize: 6 });
    const publisher = new OutboxPublisher(this.kafka!, this.settings!, this.metrics);
    await publisher.start();
    this.publishers.push(publisher);
    const runner = new TransactionRunner(dataSource, publisher, this.settings!.partitions);
    const replica = { dataSource, runner, inbox: new TransactionalInbox(runner, this.options.clock, this.metrics) };
    this.replicas.push(replica);
    return replica;
  }

  get dataSource(): DataSource {
    return this.replicas[0].dataSource;
  }

  /** The testbed's Kafka client and settings (its topic namespace), for a component of the service under test (e.g. a feed). */
  get kafkaConnection(): { kafka: Kafka; settings: KafkaSettings } {
    if (!this.kafka || !this.settings) throw new Error('HandlerTestbed not started');
    return { kafka: this.kafka, settings: this.settings };
  }

  async stop(): Promise<void> {
    await this.recorder?.stop();
    for (const publisher of this.publishers) await publisher.stop();
    for (const replica of this.replicas) await replica.dataSource.destroy();
    if (this.infrastructure && this.databaseUrl) await dropDatabase(this.infrastructure.databaseUrl, this.databaseName).catch(() => undefined);
  }

  /** A consumed batch of `topic`: each CloudEvent parsed as the transport parses it, at the next offsets. */
  batch(topic: string, events: object[], partition = 0): InboundBatch {
    return {
      topic,
      events: events.map((event): InboundEvent => {
        const raw = Buffer.from(JSON.stringify(event));
        const parsed = parseCloudEvent(raw);
        if (!parsed.ok) throw new Error(`not a valid event of the contract: ${parsed.message}`);
        return { event: parsed.event, topic, partition, offset: String(this.offset++), key: parsed.event.subject, raw };
      }),
    };
  }

  /** Parsed values of the CloudEvents published to `topic` of type `type` (all types when omitted), in order. */
  published(topic: string, type?: string): { id: string; type: string; subject: string; data: Record<string, any> }[] {
    return this.recorder.messages.filter((m) => m.topic === this.namespace + topic && m.json && (type === undefined || m.json.type === type)).map((m) => m.json!);
  }

  /** Waits until `count` events of `type` are on `topic`. */
  async waitForPublished(topic: string, type: string, count: number, timeoutMs = 15_000): Promise<{ id: string; type: string; subject: string; data: Record<string, any> }[]> {
    await this.recorder.waitFor((m) => m.topic === this.namespace + topic && m.json?.type === type, count, timeoutMs);
    return this.published(topic, type);
  }

  async rows<T = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(sql, params);
  }
}
