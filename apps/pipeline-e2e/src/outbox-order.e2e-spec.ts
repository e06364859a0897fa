import { logLevel } from 'kafkajs';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createKafkaClient, ensureTopics, OutboxPublisher, OutboxSweeper, TransactionRunner, type KafkaSettings, type OutboxEntry } from '@penalty/messaging';
import { InboxOutbox1763856000000, openServiceDatabase, OutboxLanes1764600000000 } from '@penalty/persistence';
import { Degraded, PipelineMetrics } from '@penalty/runtime';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, TopicRecorder, type Infrastructure, type RecordedMessage } from '@penalty/testing';

class KeySequenceTable1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE key_sequence (key text PRIMARY KEY, n integer NOT NULL)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE key_sequence');
  }
}

/**
 * A publisher whose publications fail while `failing` is set, as when the broker is unreachable, and
 * start after a random delay of up to `jitterMs` (a slow send), so that nothing but the runner's own
 * ordering keeps a process's publications in commit order.
 */
class FlakyPublisher extends OutboxPublisher {
  failing = false;
  jitterMs = 0;
  override async publish<E extends OutboxEntry>(entries: readonly E[]): Promise<{ entry: E; error: string }[]> {
    if (this.jitterMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * this.jitterMs));
    if (this.failing && entries.length > 0) throw new Error('broker unreachable (test)');
    return super.publish(entries);
  }
}

const TOPIC = 'test.ordered.v1';

/**
 * Per-key order on real PostgreSQL and Kafka with several writers: two "replicas" (two data sources,
 * two producers) commit changes of the same keys concurrently, each publishing what it wrote right
 * after its commit. Every key's messages must reach the topic in commit order. A writer whose
 * publication fails leaves its rows; the next writer of that lane, or the sweeper, publishes them
 * first. A message the broker refuses is set aside and the rest flows.
 */
describe('outbox: publication after commit, in order per key (real PostgreSQL and Kafka)', () => {
  const id = runId();
  const databaseName = `outbox_${id}`;
  const settings: KafkaSettings = { brokers: [], clientId: 'outbox-test', topicNamespace: `it-${id}.`, partitions: 3 };
  let infrastructure: Infrastructure;
  let replicas: { dataSource: DataSource; publisher: FlakyPublisher; runner: TransactionRunner }[];
  let recorder: TopicRecorder;
  const metrics = new PipelineMetrics('outbox-test');

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    settings.brokers = infrastructure.kafkaBrokers.split(',');
    const kafka = createKafkaClient({ clientId: 'outbox-test', brokers: settings.brokers, logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, settings, [TOPIC]);
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    replicas = [];
    for (let i = 0; i < 2; i++) {
      const dataSource = await openServiceDatabase({ url, schema: 'outbox_test', migrations: [InboxOutbox1763856000000, OutboxLanes1764600000000, KeySequenceTable1700000000001], poolSize: 8 });
      const publisher = new FlakyPublisher(kafka, settings, metrics);
      await publisher.start();
      replicas.push({ dataSource, publisher, runner: new TransactionRunner(dataSource, publisher, settings.partitions) });
    }
    recorder = new TopicRecorder(infrastructure.kafkaBrokers, [`${settings.topicNamespace}${TOPIC}`]);
    await recorder.start();
  }, 120_000);

  afterAll(async () => {
    await recorder?.stop();
    for (const r of replicas ?? []) {
      await r.publisher.stop();
      await r.dataSource.destroy();
    }
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
  });

  /** One change of `key`: its sequence number goes up by one and is published. */
  const change = (runner: TransactionRunner, key: string, run: string) =>
    runner.run(async (tx) => {
      const [{ n }] = await tx.query<{ n: number }>(
        `INSERT INTO key_sequence (key, n) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET n = key_sequence.n + 1 RETURNING n`,
        [key],
      );
      tx.append({ topic: TOPIC, key, value: JSON.stringify({ run, key, n }) });
      return n;
    });

  const sequencesOf = (messages: RecordedMessage[], run: string) => {
    const byKey = new Map<string, number[]>();
    for (const m of messages) {
      const v = JSON.parse(m.value) as { run: string; key: string; n: number };
      if (v.run !== run) continue;
      byKey.set(v.key, [...(byKey.get(v.key) ?? []), v.n]);
    }
    return byKey;
  };
  /** What a consumer that skips ids it has seen observes: the first copy of each message, in order. */
  const firstCopies = (ns: number[]) => ns.filter((n, i) => ns.indexOf(n) === i);

  it('keeps every key in commit order while two replicas write and publish concurrently', async () => {
    const keys = ['m-a', 'm-b', 'm-c', 'm-d', 'm-e', 'm-f'];
    const perReplica = 150;
    for (const r of replicas) r.publisher.jitterMs = 15;
    await Promise.all(
      replicas.map(async ({ runner }, r) => {
        const lanes = Array.from({ length: 4 }, async (_, worker) => {
          for (let i = worker; i < perReplica; i += 4) await change(runner, keys[(i * 7 + r) % keys.length], 'concurrent');
        });
        await Promise.all(lanes);
      }),
    );
    for (const r of replicas) r.publisher.jitterMs = 0;
    const total = perReplica * replicas.length;
    await recorder.waitFor((m) => m.value.includes('"run":"concurrent"'), total, 30_000);
    const [{ n: left }] = await replicas[0].dataSource.query('SELECT count(*)::int AS n FROM outbox_message');
    expect(left).toBe(0);
    const byKey = sequencesOf(recorder.messages, 'concurrent');
    let seen = 0;
    for (const [, ns] of byKey) {
      expect(ns).toEqual(ns.map((_, i) => i + 1));
      seen += ns.length;
    }
    expect(seen).toBe(total);
  });

  it('keeps commit order within one process whose writers share its lane leases, whatever each send takes', async () => {
    const [only] = replicas;
    const keys = ['m-p', 'm-q', 'm-r'];
    only.publisher.jitterMs = 20;
    try {
      await Promise.all(Array.from({ length: 6 }, async (_, worker) => {
        for (let i = worker; i < 120; i += 6) await change(only.runner, keys[i % keys.length], 'one-process');
      }));
    } finally {
      only.publisher.jitterMs = 0;
    }
    await recorder.waitFor((m) => m.value.includes('"run":"one-process"'), 120, 30_000);
    for (const key of keys) expect(sequencesOf(recorder.messages, 'one-process').get(key)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('publishes what a failed publication left before the next writer of its lane publishes its own', async () => {
    const [first, second] = replicas;
    first.publisher.failing = true;
    await change(first.runner, 'm-left', 'leftover');
    await change(first.runner, 'm-left', 'leftover');
    first.publisher.failing = false;
    const [{ n: stranded }] = await first.dataSource.query('SELECT count(*)::int AS n FROM outbox_message');
    expect(stranded).toBe(2);
    await change(second.runner, 'm-left', 'leftover');
    await recorder.waitFor((m) => m.value.includes('"run":"leftover"'), 3, 10_000);
    expect(sequencesOf(recorder.messages, 'leftover').get('m-left')).toEqual([1, 2, 3]);
    const [{ n: left }] = await first.dataSource.query('SELECT count(*)::int AS n FROM outbox_message');
    expect(left).toBe(0);
  });

  it('publishes what a crashed writer left in a lane another process leases before its own, once that process lets go', async () => {
    const [first, second] = replicas;
    const key = 'm-own';
    const lane = second.runner.laneOf(key);
    // Another process's lease of the lane: its advisory lock, held on a connection of its own.
    const holder = first.dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext(current_schema() || ':outbox-lane'), $1)`, [lane]);
      // A writer that crashed after its commit: its change and its row, never published.
      await first.dataSource.query('INSERT INTO key_sequence (key, n) VALUES ($1, 1)', [key]);
      await first.dataSource.query('INSERT INTO outbox_message (lane, topic, message_key, value, headers) VALUES ($1, $2, $3, $4, $5)', [lane, TOPIC, key, JSON.stringify({ run: 'own', key, n: 1 }), '{}']);
      // This writer cannot lease the lane, so it waits for the lane's lock on its own connection.
      const writing = change(second.runner, key, 'own');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(recorder.messages.filter((m) => m.value.includes('"run":"own"'))).toHaveLength(0);
      await holder.query(`SELECT pg_advisory_unlock(hashtext(current_schema() || ':outbox-lane'), $1)`, [lane]);
      expect(await writing).toBe(2);
    } finally {
      await holder.release();
    }
    await recorder.waitFor((m) => m.value.includes('"run":"own"'), 2, 10_000);
    expect(sequencesOf(recorder.messages, 'own').get(key)).toEqual([1, 2]);
    const [{ n: left }] = await first.dataSource.query('SELECT count(*)::int AS n FROM outbox_message');
    expect(left).toBe(0);
  });

  it('leaves nothing behind when no writer comes: the sweeper publishes it, in order', async () => {
    const [first] = replicas;
    first.publisher.failing = true;
    for (let i = 0; i < 3; i++) await change(first.runner, 'm-swept', 'swept');
    first.publisher.failing = false;
    const sweeper = new OutboxSweeper(first.dataSource, first.publisher, metrics);
    expect(await sweeper.sweep()).toBe(0);
    await recorder.waitFor((m) => m.value.includes('"run":"swept"'), 3, 10_000);
    expect(firstCopies(sequencesOf(recorder.messages, 'swept').get('m-swept')!)).toEqual([1, 2, 3]);
    const [{ n: left }] = await first.dataSource.query('SELECT count(*)::int AS n FROM outbox_message');
    expect(left).toBe(0);
  });

  it('says the service is degraded while a message waits in the outbox past the stall time, and recovers once it drains', async () => {
    const [first] = replicas;
    const sweeper = new OutboxSweeper(first.dataSource, first.publisher, metrics);
    first.publisher.failing = true;
    await change(first.runner, 'm-stalled', 'stalled');
    await first.dataSource.query(`UPDATE outbox_message SET created_at = now() - interval '2 minutes' WHERE message_key = 'm-stalled'`);
    expect(await sweeper.sweep()).toBe(1);
    expect(() => sweeper.checkDraining(60_000)).toThrow(Degraded);
    expect(() => sweeper.checkDraining(60_000)).toThrow(/does not drain: 1 message\(s\) waiting, the oldest for 1[12][0-9] s/);
    expect(() => sweeper.checkDraining(180_000)).not.toThrow();
    first.publisher.failing = false;
    expect(await sweeper.sweep()).toBe(0);
    expect(() => sweeper.checkDraining(60_000)).not.toThrow();
    await recorder.waitFor((m) => m.value.includes('"run":"stalled"'), 1, 10_000);
  });

  it('sets aside a message the broker refuses (over its size limit) and publishes the others', async () => {
    const [first] = replicas;
    const huge = 'x'.repeat(1_200_000);
    await first.runner.run(async (tx) => {
      tx.append({ topic: TOPIC, key: 'm-big', value: JSON.stringify({ run: 'big', key: 'm-big', n: 1 }) });
      tx.append({ topic: TOPIC, key: 'm-big', value: JSON.stringify({ run: 'big', key: 'm-big', n: 2, huge }) });
      tx.append({ topic: TOPIC, key: 'm-big', value: JSON.stringify({ run: 'big', key: 'm-big', n: 3 }) });
    });
    await change(first.runner, 'm-big-after', 'big');
    await recorder.waitFor((m) => m.value.includes('"run":"big"'), 3, 10_000);
    expect(sequencesOf(recorder.messages, 'big').get('m-big')).toEqual([1, 3]);
    const refused: { topic: string; message_key: string; error: string }[] = await first.dataSource.query('SELECT topic, message_key, error FROM outbox_refused');
    expect(refused).toEqual([{ topic: TOPIC, message_key: 'm-big', error: expect.stringContaining('MESSAGE_TOO_LARGE') }]);
    const [{ n: left }] = await first.dataSource.query('SELECT count(*)::int AS n FROM outbox_message');
    expect(left).toBe(0);
    const counted = (await metrics.registry.getSingleMetric('penalty_outbox_refused_total')!.get()).values.find((v) => v.labels.topic === TOPIC);
    expect(counted?.value).toBe(1);
  });
});
