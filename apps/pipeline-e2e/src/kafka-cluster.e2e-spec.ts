import { Client } from 'pg';
import { logLevel, Partitioners, type Producer } from 'kafkajs';
import { CLOUDEVENTS_CONTENT_TYPE, Topics } from '@penalty/contracts';
import { createKafkaClient } from '@penalty/messaging';
import { aMerchantId, aViolationEvent, LocalKafkaCluster, PipelineStack, runId, TopicRecorder, type LocalKafka } from '@penalty/testing';

const EVENTS = 400;
const BATCH = 10;
/** The broker is killed after this many batches were acknowledged, with most of the stream still to come. */
const KILL_AFTER_BATCHES = 12;
const MERCHANTS = 40;

/**
 * The scoring service on a 3-node KRaft cluster (scripts/infra/kafka-cluster.sh) with the topics it
 * creates at replication factor 3 and min.insync.replicas 2 (TOPIC_REPLICATION_FACTOR,
 * TOPIC_MIN_INSYNC_REPLICAS): while violations stream in (acks=all, idempotent producer), the node
 * leading the input topic's first partition is SIGKILLed. Every violation the broker acknowledged is
 * assessed, and none is applied twice: one row and one assessment id each, and the merchants' point
 * totals equal the sum of their violations' points.
 */
describe('3-broker KRaft cluster, one broker SIGKILLed mid-stream (real Kafka + PostgreSQL)', () => {
  let cluster: LocalKafka;
  let stack: PipelineStack;
  let recorder: TopicRecorder;
  let producer: Producer;
  const kafkaCluster = new LocalKafkaCluster(`cluster-${runId()}`);

  beforeAll(async () => {
    cluster = await kafkaCluster.start();
    stack = new PipelineStack({ apps: ['scoring-service'], kafka: cluster, env: { TOPIC_REPLICATION_FACTOR: '3', TOPIC_MIN_INSYNC_REPLICAS: '2' } });
    await stack.start();
    recorder = new TopicRecorder(cluster.brokers, [stack.topic(Topics.PenaltiesAssessedV1)], {});
    await recorder.start();
    // The platform systems' producer: acks=all, idempotent, patient retries while a leader moves.
    producer = createKafkaClient({ clientId: 'cluster-feed', brokers: cluster.brokers.split(','), security: {}, logLevel: logLevel.NOTHING, retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 5_000 } })
      .producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  }, 300_000);

  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    await recorder?.stop();
    await stack?.stop();
    await kafkaCluster.stop();
  }, 180_000);

  it('loses nothing acknowledged and applies nothing twice', async () => {
    const admin = createKafkaClient({ clientId: 'cluster-admin', brokers: cluster.brokers.split(','), security: {} }).admin();
    await admin.connect();
    const input = stack.topic(Topics.ViolationsDetectedV1);
    const output = stack.topic(Topics.PenaltiesAssessedV1);
    try {
      // The service created its topics as configured.
      const { topics } = await admin.fetchTopicMetadata({ topics: [input, output] });
      for (const topic of topics) for (const partition of topic.partitions) expect(partition.replicas).toHaveLength(3);
      const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [input, output].map((name) => ({ type: 2, name, configNames: ['min.insync.replicas'] })) });
      for (const resource of configs.resources) expect(resource.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue).toBe('2');
      const leader = topics.find((t) => t.name === input)!.partitions.find((p) => p.partitionId === 0)!.leader as 1 | 2 | 3;

      const merchants = Array.from({ length: MERCHANTS }, () => aMerchantId('cluster'));
      const events = Array.from({ length: EVENTS }, (_, i) => aViolationEvent({ merchantId: merchants[i % MERCHANTS], code: 'DELAYED_SHIPMENT', severity: 'MINOR' }));
      const acknowledged = new Set<string>();
      let refusedBatches = 0;
      const started = Date.now();
      for (let b = 0; b * BATCH < EVENTS; b++) {
        if (b === KILL_AFTER_BATCHES) {
          await kafkaCluster.kill(leader);
        }
        const batch = events.slice(b * BATCH, (b + 1) * BATCH);
        try {
          await producer.send({
            topic: input,
            acks: -1,
            messages: batch.map((e) => ({ key: e.subject, value: JSON.stringify(e), headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } })),
          });
          for (const e of batch) acknowledged.add(e.data.violationId);
        } catch {
          // Not acknowledged: may or may not be on the topic; it must still not be applied twice.
          refusedBatches++;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const publishedMs = Date.now() - started;
      expect(acknowledged.size).toBeGreaterThan(EVENTS * 0.9);

      // Every acknowledged violation is assessed (on the topic the outbox publishes to, on the cluster that lost a node).
      // Counted by violation, not by message: a publication retried across the broker's death may be on the topic twice.
      const assessedIds = () => new Set(recorder.matching((m) => m.json?.type === 'penalty.assessed.v1').map((m) => m.json!.data.violationId as string));
      const deadline = Date.now() + 120_000;
      while ([...acknowledged].some((v) => !assessedIds().has(v))) {
        if (Date.now() > deadline) throw new Error(`acknowledged but not assessed after 120 s: ${[...acknowledged].filter((v) => !assessedIds().has(v)).length}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const assessed = recorder.matching((m) => m.json?.type === 'penalty.assessed.v1' && acknowledged.has(m.json.data.violationId));
      const assessmentIds = new Map<string, Set<string>>();
      for (const m of recorder.matching((m) => m.json?.type === 'penalty.assessed.v1')) {
        const ids = assessmentIds.get(m.json!.data.violationId) ?? new Set<string>();
        ids.add(m.json!.data.assessmentId);
        assessmentIds.set(m.json!.data.violationId, ids);
      }
      for (const violationId of acknowledged) expect([violationId, assessmentIds.get(violationId)?.size]).toEqual([violationId, 1]);

      // In the service's database: one row per violation, totals equal to the sum of the rows' points.
      const db = new Client({ connectionString: stack.databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query<{ violation_id: string; assessment_id: string }>('SELECT violation_id, assessment_id FROM scoring.violation WHERE merchant_id = ANY($1)', [merchants]);
        const stored = new Map(rows.map((r) => [r.violation_id, r.assessment_id]));
        for (const violationId of acknowledged) expect([violationId, stored.get(violationId)]).toEqual([violationId, [...assessmentIds.get(violationId)!][0]]);
        const { rows: mismatched } = await db.query(
          `SELECT merchant_id, p.total, v.points
             FROM (SELECT merchant_id, sum(general + serious)::int AS total FROM scoring.merchant_year_points WHERE merchant_id = ANY($1) GROUP BY merchant_id) p
             FULL JOIN (SELECT merchant_id, sum(points)::int AS points FROM scoring.violation WHERE merchant_id = ANY($1) GROUP BY merchant_id) v USING (merchant_id)
            WHERE p.total IS DISTINCT FROM v.points`,
          [merchants],
        );
        expect(mismatched).toEqual([]);
        const { rows: processed } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM scoring.processed_event WHERE event_id = ANY($1)`, [events.map((e) => e.id)]);
        expect(processed[0].n).toBe(stored.size);
        console.log(
          `cluster run: ${EVENTS} violations in ${publishedMs} ms, node ${leader} SIGKILLed after ${KILL_AFTER_BATCHES * BATCH}; ` +
            `${acknowledged.size} acknowledged (${refusedBatches} batches refused), ${stored.size} applied, ` +
            `${assessed.length} assessments of acknowledged violations on the topic (${assessed.length - acknowledged.size} republished copies of the same assessment)`,
        );
      } finally {
        await db.end();
      }
    } finally {
      await admin.disconnect();
    }
  });
});
