import { type Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { deadLetterTopicOf, Topics } from '@penalty/contracts';
import { createKafkaClient, ensureTopics, physicalTopic, type KafkaSettings } from '@penalty/messaging';
import { openServiceDatabase } from '@penalty/persistence';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, type Infrastructure } from '@penalty/testing';
import { DeadLetters1763900800000 } from '../dead-letters.migration';
import { DeadLettersRepository } from '../dead-letters.repository';
import { DeadLetterCollector } from './dead-letter.collector';

/**
 * The dead-letter collector on a real Kafka and PostgreSQL: every <topic>.dlq message is kept once
 * by its position, a batch with one INSERT and its offsets committed after it, so a redelivery (here:
 * the group's offsets reset to the beginning) adds nothing; a value PostgreSQL text cannot hold
 * (U+0000) is kept rather than stopping the collector.
 */
describe('dead-letter collector (real Kafka + PostgreSQL)', () => {
  const id = runId();
  const databaseName = `dead_letters_${id}`;
  const settings: KafkaSettings = { brokers: [], clientId: 'dead-letters-test', topicNamespace: `it-${id}.`, partitions: 2 };
  const dlq = deadLetterTopicOf(Topics.ViolationsDetectedV1);
  let infrastructure: Infrastructure;
  let dataSource: DataSource;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    settings.brokers = infrastructure.kafkaBrokers.split(',');
    kafka = createKafkaClient({ clientId: 'dead-letters-test', brokers: settings.brokers, logLevel: logLevel.NOTHING });
    const topics = Object.values(Topics);
    await ensureTopics(kafka, settings, topics, topics);
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    dataSource = await openServiceDatabase({ url, schema: 'api', migrations: [DeadLetters1763900800000], poolSize: 2 });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
    await dataSource?.destroy();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
  });

  const collector = () => new DeadLetterCollector(new DeadLettersRepository(dataSource), kafka, settings);
  const count = async () => ((await dataSource.query('SELECT count(*)::int AS n FROM dead_letter')) as { n: number }[])[0].n;
  const committedOffsets = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: `${settings.topicNamespace}api-dead-letters`, topics: [physicalTopic(settings, dlq)] });
      return committed.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    } finally {
      await admin.disconnect();
    }
  };
  const waitForCommitted = async (n: number) => {
    const deadline = Date.now() + 30_000;
    while ((await committedOffsets()) < n) {
      if (Date.now() > deadline) throw new Error(`expected offsets up to ${n} committed, found ${await committedOffsets()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const waitForRows = async (n: number) => {
    const deadline = Date.now() + 30_000;
    while ((await count()) < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} dead letters, found ${await count()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('keeps each dead letter once, with its reason, and commits the batch after writing it', async () => {
    const messages = Array.from({ length: 30 }, (_, i) => ({
      key: `m-${i % 4}`,
      value: i === 7 ? 'not json \u0000 with a NUL' : `{"id":"e-${i}"}`,
      headers: { 'x-dlq-reason': i % 2 ? 'UNPARSEABLE' : 'DATA_INVALID', 'x-dlq-message': `why ${i}`, 'x-dlq-source-topic': Topics.ViolationsDetectedV1 },
    }));
    await producer.send({ topic: physicalTopic(settings, dlq), acks: -1, messages });
    const first = collector();
    await first.onApplicationBootstrap();
    await waitForRows(30);
    await waitForCommitted(30);
    await first.onApplicationShutdown();

    const rows: { reason: string; message: string; source_topic: string; value: string; topic: string }[] = await dataSource.query('SELECT * FROM dead_letter ORDER BY message');
    expect(rows.filter((r) => r.reason === 'UNPARSEABLE')).toHaveLength(15);
    expect(rows.every((r) => r.topic === dlq && r.source_topic === Topics.ViolationsDetectedV1)).toBe(true);
    expect(rows.find((r) => r.message === 'why 7')!.value).toBe('not json \uFFFD with a NUL');
    expect(await committedOffsets()).toBe(30);
    // Delivered again from the beginning (as after a crash between the insert and the commit): nothing is added.
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: `${settings.topicNamespace}api-dead-letters`, topic: physicalTopic(settings, dlq), earliest: true }).finally(() => admin.disconnect());
    await producer.send({ topic: physicalTopic(settings, dlq), acks: -1, messages: [{ key: 'm-9', value: 'the last one', headers: { 'x-dlq-reason': 'UNPARSEABLE', 'x-dlq-message': 'sentinel' } }] });
    const second = collector();
    await second.onApplicationBootstrap();
    await waitForRows(31);
    await waitForCommitted(31);
    await second.onApplicationShutdown();
    expect(await count()).toBe(31);
  });
});
