import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { systemClock } from '@penalty/domain';
import { EventRejection, TransactionalInbox, type InboundBatch, type InboundEvent } from '@penalty/messaging';
import { InboxOutbox1763856000000, openServiceDatabase } from '@penalty/persistence';
import { PipelineMetrics } from '@penalty/runtime';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId } from '@penalty/testing';

class AppliedChangeTable1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE applied_change (event_id text PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE applied_change');
  }
}

type Behaviour = 'apply' | 'reject' | 'fail';
const inbound = (id: string, behaviour: Behaviour, offset: number): InboundEvent => ({
  event: { specversion: '1.0', id, source: 'test', type: 'test.v1', time: '2026-11-23T10:00:00+08:00', subject: 'm-1', datacontenttype: 'application/json', data: { behaviour } } as InboundEvent['event'],
  topic: 'test.events.v1',
  partition: 0,
  offset: String(offset),
  key: 'm-1',
  raw: Buffer.from(JSON.stringify({ id, behaviour })),
});

/**
 * The transactional inbox on a real PostgreSQL: applied events and their ids commit together; a
 * rejected event leaves none of its writes and is dead-lettered through the outbox; duplicates (seen
 * before or repeated in the batch) are skipped; any other error commits nothing.
 */
describe('transactional inbox (real PostgreSQL)', () => {
  const databaseName = `inbox_${runId()}`;
  let serverUrl: string;
  let dataSource: DataSource;
  let metrics: PipelineMetrics;
  let inbox: TransactionalInbox;

  beforeAll(async () => {
    serverUrl = (await obtainInfrastructure()).databaseUrl;
    const url = await createFreshDatabase(serverUrl, databaseName);
    dataSource = await openServiceDatabase({ url, schema: 'inbox_test', migrations: [InboxOutbox1763856000000, AppliedChangeTable1700000000000], poolSize: 2 });
    metrics = new PipelineMetrics('inbox-test');
    inbox = new TransactionalInbox(dataSource, systemClock, metrics);
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    if (serverUrl) await dropDatabase(serverUrl, databaseName);
  });

  /** Writes first, then rejects or fails as told: a rejected event's write must not survive. */
  const handler = async (manager: Parameters<Parameters<TransactionalInbox['apply']>[1]>[0], event: InboundEvent) => {
    await manager.query('INSERT INTO applied_change (event_id) VALUES ($1)', [event.event.id]);
    const { behaviour } = event.event.data as { behaviour: Behaviour };
    if (behaviour === 'reject') throw new EventRejection('TEST.REFUSED', `event ${event.event.id} refused on purpose`);
    if (behaviour === 'fail') throw new Error('database went away');
  };
  const batch = (...events: InboundEvent[]): InboundBatch => ({ topic: 'test.events.v1', partition: 0, events });
  const rows = async <T>(sql: string): Promise<T[]> => dataSource.query(sql);

  it('applies the good events, dead-letters the rejected ones without their writes, skips repeats', async () => {
    const events = batch(inbound('e1', 'apply', 1), inbound('e2', 'reject', 2), inbound('e3', 'apply', 3), inbound('e1', 'apply', 4), inbound('e4', 'reject', 5));
    expect(await inbox.apply(events, handler)).toEqual({ applied: 2, duplicates: 1, rejected: 2 });

    expect(await rows<{ event_id: string }>('SELECT event_id FROM applied_change ORDER BY event_id')).toEqual([{ event_id: 'e1' }, { event_id: 'e3' }]);
    expect(await rows('SELECT event_id, outcome FROM processed_event ORDER BY event_id')).toEqual([
      { event_id: 'e1', outcome: 'APPLIED' },
      { event_id: 'e2', outcome: 'DEAD_LETTERED' },
      { event_id: 'e3', outcome: 'APPLIED' },
      { event_id: 'e4', outcome: 'DEAD_LETTERED' },
    ]);
    const dead = await rows<{ topic: string; message_key: string; value: string; headers: Record<string, string> }>('SELECT topic, message_key, value, headers FROM outbox_message ORDER BY id');
    expect(dead).toHaveLength(2);
    expect(dead.map((d) => JSON.parse(d.value).id)).toEqual(['e2', 'e4']);
    for (const d of dead) {
      expect(d).toMatchObject({ topic: 'test.events.v1.dlq', message_key: 'm-1' });
      expect(d.headers).toMatchObject({ 'x-dlq-reason': 'REJECTED', 'x-dlq-code': 'TEST.REFUSED', 'x-dlq-source-topic': 'test.events.v1' });
    }
    expect(dead[0].headers['x-dlq-message']).toBe('event e2 refused on purpose');
    expect(dead[0].headers['x-dlq-source-offset']).toBe('2');
    const deadLettered = (await metrics.registry.getSingleMetric('penalty_events_dead_lettered_total')!.get()).values.find((v) => v.labels.reason === 'REJECTED');
    expect(deadLettered?.value).toBe(2);
  });

  it('skips the whole batch when it is delivered again', async () => {
    const again = batch(inbound('e1', 'apply', 1), inbound('e2', 'reject', 2), inbound('e3', 'apply', 3), inbound('e4', 'reject', 5));
    expect(await inbox.apply(again, handler)).toEqual({ applied: 0, duplicates: 4, rejected: 0 });
    expect(await rows('SELECT count(*)::int AS n FROM outbox_message')).toEqual([{ n: 2 }]);
  });

  it('commits nothing of a batch that fails for another reason, so a redelivery applies it whole', async () => {
    await expect(inbox.apply(batch(inbound('e5', 'apply', 6), inbound('e6', 'fail', 7)), handler)).rejects.toThrow('database went away');
    expect(await rows(`SELECT event_id FROM processed_event WHERE event_id IN ('e5', 'e6')`)).toEqual([]);
    expect(await rows(`SELECT event_id FROM applied_change WHERE event_id = 'e5'`)).toEqual([]);

    expect(await inbox.apply(batch(inbound('e5', 'apply', 6), inbound('e6', 'apply', 7)), handler)).toEqual({ applied: 2, duplicates: 0, rejected: 0 });
    expect(await rows(`SELECT event_id FROM applied_change WHERE event_id IN ('e5', 'e6') ORDER BY event_id`)).toEqual([{ event_id: 'e5' }, { event_id: 'e6' }]);
  });
});
