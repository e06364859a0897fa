import { logLevel } from 'kafkajs';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { systemClock } from '@penalty/domain';
import { createKafkaClient, ensureTopics, EventRejection, OutboxPublisher, TransactionalInbox, TransactionRunner, type DeadLetter, type InboundBatch, type InboundEvent, type KafkaSettings } from '@penalty/messaging';
import { InboxOutbox1763856000000, openServiceDatabase, OutboxLanes1764600000000 } from '@penalty/persistence';
import { PipelineMetrics } from '@penalty/runtime';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, TopicRecorder, type Infrastructure } from '@penalty/testing';

class AppliedChangeTable1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE applied_change (event_id text PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE applied_change');
  }
}

const TOPIC = 'test.events.v1';
type Behaviour = 'apply' | 'reject' | 'fail';
const inbound = (id: string, behaviour: Behaviour, offset: number, extra: Partial<InboundEvent> = {}): InboundEvent => ({
  event: { specversion: '1.0', id, source: 'test', type: 'test.v1', time: '2026-11-23T10:00:00+08:00', subject: 'm-1', datacontenttype: 'application/json', data: { behaviour } } as InboundEvent['event'],
  topic: TOPIC,
  partition: 0,
  offset: String(offset),
  key: 'm-1',
  raw: Buffer.from(JSON.stringify({ id, behaviour })),
  ...extra,
});
const unparseable = (offset: number): DeadLetter => ({ sourceTopic: TOPIC, partition: 0, offset: String(offset), key: 'm-1', value: 'not json', reason: 'UNPARSEABLE', message: 'the message is not JSON' });

/**
 * The transactional inbox on a real PostgreSQL and Kafka: applied events and their ids commit
 * together; a rejected event leaves none of its writes and is dead-lettered alone while the rest of
 * its batch applies; duplicates (seen before or repeated in the batch) are skipped; messages that do
 * not parse are dead-lettered once however often they are redelivered; a replayed dead letter is
 * applied; any other error commits nothing. What the batch writes to the outbox is on Kafka when
 * apply returns, and the outbox is empty again.
 */
describe('transactional inbox (real PostgreSQL and Kafka)', () => {
  const id = runId();
  const databaseName = `inbox_${id}`;
  const settings: KafkaSettings = { brokers: [], clientId: 'inbox-test', topicNamespace: `it-${id}.`, partitions: 3 };
  let infrastructure: Infrastructure;
  let dataSource: DataSource;
  let metrics: PipelineMetrics;
  let publisher: OutboxPublisher;
  let inbox: TransactionalInbox;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    settings.brokers = infrastructure.kafkaBrokers.split(',');
    const kafka = createKafkaClient({ clientId: 'inbox-test', brokers: settings.brokers, logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, settings, [TOPIC], [TOPIC]);
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    dataSource = await openServiceDatabase({ url, schema: 'inbox_test', migrations: [InboxOutbox1763856000000, OutboxLanes1764600000000, AppliedChangeTable1700000000000], poolSize: 3 });
    metrics = new PipelineMetrics('inbox-test');
    publisher = new OutboxPublisher(kafka, settings, metrics);
    await publisher.start();
    inbox = new TransactionalInbox(new TransactionRunner(dataSource, publisher, settings.partitions), systemClock, metrics);
    recorder = new TopicRecorder(infrastructure.kafkaBrokers, [`${settings.topicNamespace}${TOPIC}.dlq`]);
    await recorder.start();
  }, 120_000);

  afterAll(async () => {
    await recorder?.stop();
    await publisher?.stop();
    await dataSource?.destroy();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
  });

  /** Writes first, then rejects or fails as told: a rejected event's write must not survive. */
  const applyOne = async (manager: Parameters<Parameters<TransactionalInbox['applyEach']>[1]>[0], event: InboundEvent) => {
    await manager.query('INSERT INTO applied_change (event_id) VALUES ($1)', [event.event.id]);
    const { behaviour } = event.event.data as { behaviour: Behaviour };
    if (behaviour === 'reject') throw new EventRejection('TEST.REFUSED', `event ${event.event.id} refused on purpose`);
    if (behaviour === 'fail') throw new Error('database went away');
  };
  const batch = (events: InboundEvent[], deadLetters: DeadLetter[] = []): InboundBatch => ({ topic: TOPIC, events, deadLetters });
  const rows = async <T>(sql: string): Promise<T[]> => dataSource.query(sql);
  const deadLettersOf = (eventId: string) => recorder.matching((m) => m.value.includes(`"id":"${eventId}"`));

  it('applies the good events, dead-letters the rejected ones without their writes, skips repeats', async () => {
    const events = batch([inbound('e1', 'apply', 1), inbound('e2', 'reject', 2), inbound('e3', 'apply', 3), inbound('e1', 'apply', 4), inbound('e4', 'reject', 5)]);
    expect(await inbox.applyEach(events, applyOne)).toEqual({ applied: 2, duplicates: 1, rejected: 2 });

    expect(await rows<{ event_id: string }>('SELECT event_id FROM applied_change ORDER BY event_id')).toEqual([{ event_id: 'e1' }, { event_id: 'e3' }]);
    expect(await rows('SELECT event_id, outcome FROM processed_event ORDER BY event_id')).toEqual([
      { event_id: 'e1', outcome: 'APPLIED' },
      { event_id: 'e2', outcome: 'DEAD_LETTERED' },
      { event_id: 'e3', outcome: 'APPLIED' },
      { event_id: 'e4', outcome: 'DEAD_LETTERED' },
    ]);
    // Published before apply returned, and deleted from the outbox.
    const dead = await recorder.waitFor((m) => m.headers['x-dlq-reason'] === 'REJECTED', 2, 10_000);
    expect(dead.map((d) => JSON.parse(d.value).id)).toEqual(['e2', 'e4']);
    for (const d of dead) {
      expect(d).toMatchObject({ key: 'm-1' });
      expect(d.headers).toMatchObject({ 'x-dlq-reason': 'REJECTED', 'x-dlq-code': 'TEST.REFUSED', 'x-dlq-source-topic': TOPIC });
    }
    expect(dead[0].headers['x-dlq-message']).toBe('event e2 refused on purpose');
    expect(dead[0].headers['x-dlq-source-offset']).toBe('2');
    expect(await rows('SELECT count(*)::int AS n FROM outbox_message')).toEqual([{ n: 0 }]);
    const deadLettered = (await metrics.registry.getSingleMetric('penalty_events_dead_lettered_total')!.get()).values.find((v) => v.labels.reason === 'REJECTED');
    expect(deadLettered?.value).toBe(2);
  });

  it('skips the whole batch when it is delivered again', async () => {
    const again = batch([inbound('e1', 'apply', 1), inbound('e2', 'reject', 2), inbound('e3', 'apply', 3), inbound('e4', 'reject', 5)]);
    expect(await inbox.applyEach(again, applyOne)).toEqual({ applied: 0, duplicates: 4, rejected: 0 });
    await new Promise((r) => setTimeout(r, 500));
    expect(recorder.matching((m) => m.headers['x-dlq-reason'] === 'REJECTED')).toHaveLength(2);
  });

  it('commits nothing of a batch that fails for another reason, so a redelivery applies it whole', async () => {
    await expect(inbox.applyEach(batch([inbound('e5', 'apply', 6), inbound('e6', 'fail', 7)]), applyOne)).rejects.toThrow('database went away');
    expect(await rows(`SELECT event_id FROM processed_event WHERE event_id IN ('e5', 'e6')`)).toEqual([]);
    expect(await rows(`SELECT event_id FROM applied_change WHERE event_id = 'e5'`)).toEqual([]);

    expect(await inbox.applyEach(batch([inbound('e5', 'apply', 6), inbound('e6', 'apply', 7)]), applyOne)).toEqual({ applied: 2, duplicates: 0, rejected: 0 });
    expect(await rows(`SELECT event_id FROM applied_change WHERE event_id IN ('e5', 'e6') ORDER BY event_id`)).toEqual([{ event_id: 'e5' }, { event_id: 'e6' }]);
  });

  it('dead-letters a message that does not parse once, however often it is delivered', async () => {
    const poisoned = batch([inbound('e7', 'apply', 9)], [unparseable(8)]);
    expect(await inbox.applyEach(poisoned, applyOne)).toEqual({ applied: 1, duplicates: 0, rejected: 0 });
    expect(await inbox.applyEach(poisoned, applyOne)).toEqual({ applied: 0, duplicates: 1, rejected: 0 });
    await recorder.waitFor((m) => m.headers['x-dlq-reason'] === 'UNPARSEABLE', 1, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    const dead = recorder.matching((m) => m.headers['x-dlq-reason'] === 'UNPARSEABLE');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ value: 'not json', key: 'm-1' });
    expect(dead[0].headers['x-dlq-source-offset']).toBe('8');
  });

  it('dead-letters a rejection in the middle of a batch handled whole, and applies the rest of the batch', async () => {
    const whole = batch([inbound('b1', 'apply', 20), inbound('b2', 'reject', 21), inbound('b3', 'apply', 22)]);
    const result = await inbox.apply(whole, async ({ tx, events, reject }) => {
      const applied = events.filter((e) => {
        if ((e.event.data as { behaviour: Behaviour }).behaviour !== 'reject') return true;
        reject(e, { code: 'TEST.REFUSED', message: 'refused in the batch' });
        return false;
      });
      await tx.query('INSERT INTO applied_change (event_id) SELECT unnest($1::text[])', [applied.map((e) => e.event.id)]);
    });
    expect(result).toEqual({ applied: 2, duplicates: 0, rejected: 1 });
    expect(await rows(`SELECT event_id FROM applied_change WHERE event_id LIKE 'b%' ORDER BY event_id`)).toEqual([{ event_id: 'b1' }, { event_id: 'b3' }]);
    expect(await rows(`SELECT outcome FROM processed_event WHERE event_id = 'b2'`)).toEqual([{ outcome: 'DEAD_LETTERED' }]);
    await recorder.waitFor((m) => m.headers['x-dlq-message'] === 'refused in the batch', 1, 10_000);
    expect(deadLettersOf('b2')).toHaveLength(1);
  });

  it('applies a replayed dead letter, once, though its id was dead-lettered', async () => {
    // e2 was rejected above; after a fix it is replayed to the topic with x-replayed-from.
    const replayed = inbound('e2', 'apply', 30, { replayedFrom: `${TOPIC}.dlq[0]@1` });
    expect(await inbox.applyEach(batch([replayed]), applyOne)).toEqual({ applied: 1, duplicates: 0, rejected: 0 });
    expect(await rows(`SELECT outcome FROM processed_event WHERE event_id = 'e2'`)).toEqual([{ outcome: 'APPLIED' }]);
    expect(await rows(`SELECT event_id FROM applied_change WHERE event_id = 'e2'`)).toEqual([{ event_id: 'e2' }]);
    // Replayed again (or redelivered): applied once only. A replay of an event that applied is a duplicate.
    expect(await inbox.applyEach(batch([replayed]), applyOne)).toEqual({ applied: 0, duplicates: 1, rejected: 0 });
    expect(await inbox.applyEach(batch([inbound('e1', 'apply', 31, { replayedFrom: `${TOPIC}.dlq[0]@9` })]), applyOne)).toEqual({ applied: 0, duplicates: 1, rejected: 0 });
  });
});
