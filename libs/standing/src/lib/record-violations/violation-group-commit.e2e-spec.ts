import { logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { Topics } from '@penalty/contracts';
import { createKafkaClient, ensureTopics, OutboxPublisher, TransactionRunner, type KafkaSettings } from '@penalty/messaging';
import { openServiceDatabase, PIPELINE_MIGRATIONS } from '@penalty/persistence';
import { PipelineMetrics } from '@penalty/runtime';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, TopicRecorder, type Infrastructure } from '@penalty/testing';
import { TcpProxy } from './tcp-proxy.testing';
import { IntakeUnavailable, ViolationGroupCommit, type RecordedStatus, type ViolationToRecord } from './violation-group-commit';
import { ViolationIntakeConfig } from './violation-intake.config';

type Outcome = { statuses: RecordedStatus[] } | { error: unknown };
const settle = (p: Promise<RecordedStatus[]>): Promise<Outcome> => p.then((statuses) => ({ statuses }), (error: unknown) => ({ error }));

/**
 * Group commit of HTTP ingestion on a real PostgreSQL (reached through a proxy that can take it
 * away) and Kafka: concurrent requests share transactions, each id is accepted once whatever the
 * interleaving, every accepted event is published exactly once, and a database that is gone or hangs
 * fails the requests (IntakeUnavailable) rather than answering any of them accepted.
 */
describe('violation group commit (real PostgreSQL and Kafka)', () => {
  const id = runId();
  const databaseName = `intake_${id}`;
  const settings: KafkaSettings = { brokers: [], clientId: 'intake-test', topicNamespace: `it-${id}.`, partitions: 3 };
  let infrastructure: Infrastructure;
  let proxy: TcpProxy;
  let dataSource: DataSource;
  let publisher: OutboxPublisher;
  let runner: TransactionRunner;
  let recorder: TopicRecorder;
  const intakes: ViolationGroupCommit[] = [];

  const intake = (overrides: Partial<ViolationIntakeConfig> = {}) => {
    const config = Object.assign(new ViolationIntakeConfig(), overrides);
    const created = new ViolationGroupCommit(runner, config, new PipelineMetrics('intake-test'));
    intakes.push(created);
    return created;
  };

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    settings.brokers = infrastructure.kafkaBrokers.split(',');
    const kafka = createKafkaClient({ clientId: 'intake-test', brokers: settings.brokers, logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, settings, [Topics.ViolationsDetectedV1]);
    await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    const through = TcpProxy.forDatabase(infrastructure.databaseUrl);
    proxy = through.proxy;
    await proxy.start();
    dataSource = await openServiceDatabase({ url: through.url(databaseName), schema: 'api', migrations: PIPELINE_MIGRATIONS, poolSize: 6 });
    publisher = new OutboxPublisher(kafka, settings, new PipelineMetrics('intake-test'));
    await publisher.start();
    runner = new TransactionRunner(dataSource, publisher, settings.partitions);
    recorder = new TopicRecorder(infrastructure.kafkaBrokers, [`${settings.topicNamespace}${Topics.ViolationsDetectedV1}`]);
    await recorder.start();
  }, 120_000);

  afterAll(async () => {
    for (const i of intakes) await i.onApplicationShutdown();
    await runner?.drain();
    await recorder?.stop();
    await publisher?.stop();
    await dataSource?.destroy().catch(() => undefined);
    await proxy?.stop();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
  });

  let next = 0;
  const violation = (eventId = `ev-${id}-${next++}`, merchantId = `m-${next % 7}`): ViolationToRecord => ({ id: eventId, merchantId, value: JSON.stringify({ id: eventId, subject: merchantId }) });
  const publishedIds = () => recorder.messages.map((m) => JSON.parse(m.value).id as string);
  const expectPublishedOnce = async (ids: string[]) => {
    await recorder.waitFor((m) => ids.includes(JSON.parse(m.value).id), ids.length, 30_000);
    // Later copies would come right behind the first.
    await new Promise((r) => setTimeout(r, 500));
    const published = publishedIds();
    for (const eventId of ids) expect({ eventId, copies: published.filter((p) => p === eventId).length }).toEqual({ eventId, copies: 1 });
  };
  const groups = async (metrics: PipelineMetrics) => (await metrics.registry.getSingleMetric('penalty_ingestion_group_events')!.get()).values.find((v) => (v as { metricName?: string }).metricName === 'penalty_ingestion_group_events_count')?.value ?? 0;

  it('records concurrent requests together, accepts each id once (the same id twice at once: one ACCEPTED, one DUPLICATE) and publishes each accepted event once', async () => {
    const metrics = new PipelineMetrics('intake-test');
    const grouped = new ViolationGroupCommit(runner, new ViolationIntakeConfig(), metrics);
    intakes.push(grouped);
    const unique = Array.from({ length: 300 }, () => violation());
    const requests: ViolationToRecord[][] = [
      ...unique.map((v) => [v]),
      // The same ids again, at the same time as the first ones.
      ...unique.slice(0, 60).map((v) => [v]),
      // Batch requests: fresh ids, an id repeated inside one request, ids of single requests.
      ...Array.from({ length: 10 }, () => {
        const fresh = violation();
        return [fresh, violation(), fresh, unique[100]];
      }),
    ];
    const answers = await Promise.all(requests.map((r) => grouped.record(r)));
    const accepted = new Map<string, number>();
    requests.forEach((request, i) => request.forEach((v, j) => answers[i][j] === 'ACCEPTED' && accepted.set(v.id, (accepted.get(v.id) ?? 0) + 1)));
    const ids = [...new Set(requests.flat().map((v) => v.id))];
    expect(ids.filter((eventId) => accepted.get(eventId) !== 1)).toEqual([]);
    // Within one request the first copy is accepted.
    for (const i of requests.keys()) if (requests[i].length === 4) expect(answers[i].slice(0, 3)).toEqual(['ACCEPTED', 'ACCEPTED', 'DUPLICATE']);
    expect(await groups(metrics)).toBeLessThan(requests.length / 4);
    await expectPublishedOnce(ids);

    // Asked again later: every one a duplicate, nothing published again.
    const again = await Promise.all(unique.slice(0, 50).map((v) => grouped.record([v])));
    expect(again.flat()).toEqual(Array(50).fill('DUPLICATE'));
    await expectPublishedOnce(unique.slice(0, 50).map((v) => v.id));
    expect(await dataSource.query('SELECT count(*)::int AS n FROM outbox_message')).toEqual([{ n: 0 }]);
  });

  it('records the other requests of a group when the database refuses one request', async () => {
    const grouped = intake();
    const good = Array.from({ length: 20 }, () => violation());
    // PostgreSQL text cannot hold U+0000 (the HTTP route refuses such ids before: this stands for any refusal).
    const bad = violation(`ev-${id}-bad\u0000id`);
    const outcomes = await Promise.all([...good.slice(0, 10).map((v) => settle(grouped.record([v]))), settle(grouped.record([bad])), ...good.slice(10).map((v) => settle(grouped.record([v])))]);
    const refused = outcomes[10];
    expect('error' in refused && !(refused.error instanceof IntakeUnavailable)).toBe(true);
    expect(outcomes.filter((o) => 'statuses' in o && o.statuses[0] === 'ACCEPTED')).toHaveLength(20);
    await expectPublishedOnce(good.map((v) => v.id));
  });

  it('answers no request accepted while the database is gone, and accepts them once it is back', async () => {
    const grouped = intake();
    const waiting = Array.from({ length: 30 }, () => violation());
    proxy.cut();
    try {
      const outcomes = await Promise.all(waiting.map((v) => settle(grouped.record([v]))));
      expect(outcomes.filter((o) => !('error' in o && o.error instanceof IntakeUnavailable))).toEqual([]);
    } finally {
      proxy.restore();
    }
    // Retried by their clients once it is back: accepted (nothing was recorded), each published once.
    const retried = await Promise.all(waiting.map((v) => grouped.record([v])));
    expect(retried.flat()).toEqual(Array(30).fill('ACCEPTED'));
    await expectPublishedOnce(waiting.map((v) => v.id));
  });

  it('answers IntakeUnavailable when the database does not confirm in time; a retry is then DUPLICATE or ACCEPTED, and the event is published once', async () => {
    const impatient = intake({ INGESTION_COMMIT_TIMEOUT_MS: 1_000 });
    const waiting = Array.from({ length: 5 }, () => violation());
    proxy.stall();
    let outcomes: Outcome[];
    try {
      outcomes = await Promise.all(waiting.map((v) => settle(impatient.record([v]))));
    } finally {
      proxy.restore();
    }
    expect(outcomes.filter((o) => !('error' in o && o.error instanceof IntakeUnavailable))).toEqual([]);
    // The stalled transaction may have committed meanwhile: its outcome was unknown, not refused.
    const retried = await Promise.all(waiting.map((v) => intake().record([v])));
    for (const [status] of retried) expect(['ACCEPTED', 'DUPLICATE']).toContain(status);
    await expectPublishedOnce(waiting.map((v) => v.id));
  });
});
