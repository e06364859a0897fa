// One hop of the benchmark's reference systems, as its own process (so its CPU and memory are read
// from /proc like a service's). Started by floor-system.ts with its settings in BENCH_HOP (JSON).
//
//   plain:  consume a batch → produce it to the next topic → commit the offsets
//   outbox: consume a batch → one PostgreSQL transaction (processed ids + outbox rows, set-wise) →
//           publish the rows it wrote → delete them → commit the offsets
import { logLevel, Partitioners, type EachBatchPayload, type IHeaders } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';
import { Pool } from 'pg';

export interface HopSettings {
  mode: 'plain' | 'outbox';
  brokers: string;
  groupId: string;
  from: string;
  to: string;
  partitions: number;
  /** outbox mode: the database and the hop's own schema (created by the parent). */
  databaseUrl?: string;
  schema?: string;
}

const settings: HopSettings = JSON.parse(process.env.BENCH_HOP ?? '{}');
const kafka = createKafkaClient({ clientId: `bench-${settings.groupId}`, brokers: settings.brokers.split(','), logLevel: logLevel.ERROR });
// The platform's producer settings: idempotent, one request in flight, keyed partitioning as Java clients do.
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
// The platform's consumer settings (maxWaitTimeInMs 250), every partition consumed at once.
const consumer = kafka.consumer({ groupId: settings.groupId, maxWaitTimeInMs: 250 });
const pool = settings.mode === 'outbox'
  ? new Pool({ connectionString: settings.databaseUrl, max: settings.partitions, options: `-c search_path=${settings.schema}` })
  : undefined;

type Outgoing = { key: string | null; value: string; headers: IHeaders };

async function passThrough(messages: Outgoing[]): Promise<void> {
  await producer.send({ topic: settings.to, acks: -1, messages });
}

async function throughOutbox(messages: Outgoing[], ids: string[]): Promise<void> {
  const client = await pool!.connect();
  let rows: { id: string; message_key: string; value: string }[];
  try {
    await client.query('BEGIN');
    const fresh = await client.query<{ event_id: string }>(
      `INSERT INTO processed_event (event_id, topic, outcome) SELECT id, $2, 'APPLIED' FROM unnest($1::text[]) AS t(id)
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [ids, settings.from],
    );
    const isFresh = new Set(fresh.rows.map((r) => r.event_id));
    const out = messages.filter((_, i) => isFresh.has(ids[i]));
    const inserted = await client.query<{ id: string; message_key: string; value: string }>(
      `INSERT INTO outbox_message (topic, message_key, value, headers)
       SELECT $1, k, v, $4::jsonb FROM unnest($2::text[], $3::text[]) AS t(k, v) RETURNING id, message_key, value`,
      [settings.to, out.map((m) => m.key ?? ''), out.map((m) => m.value), JSON.stringify({ 'content-type': 'application/cloudevents+json' })],
    );
    await client.query('COMMIT');
    rows = inserted.rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  if (rows.length === 0) return;
  // Published from memory by the process that wrote them, right after the commit; then deleted.
  await producer.send({ topic: settings.to, acks: -1, messages: rows.map((r) => ({ key: r.message_key, value: r.value, headers: { 'content-type': 'application/cloudevents+json' } })) });
  await pool!.query('DELETE FROM outbox_message WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
}

async function onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
  if (batch.messages.length === 0 || !isRunning() || isStale()) return;
  const messages: Outgoing[] = batch.messages.map((m) => ({ key: m.key?.toString('utf8') ?? null, value: m.value?.toString('utf8') ?? '', headers: m.headers ?? {} }));
  if (settings.mode === 'plain') await passThrough(messages);
  // The outbox hop parses each message once, for its event id (no validation).
  else await throughOutbox(messages, messages.map((m) => String(JSON.parse(m.value).id)));
  const last = batch.messages[batch.messages.length - 1].offset;
  resolveOffset(last);
  await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
  await heartbeat();
}

async function main(): Promise<void> {
  await producer.connect();
  await consumer.connect();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.subscribe({ topics: [settings.from], fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: settings.partitions, eachBatch: onBatch });
  await joined;
  process.send?.({ ready: true });
}

async function shutdown(): Promise<void> {
  await consumer.disconnect().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  await pool?.end().catch(() => undefined);
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown());
process.on('disconnect', () => void shutdown());
main().catch((error) => {
  console.error(`hop ${settings.groupId} failed:`, error);
  process.exit(1);
});
