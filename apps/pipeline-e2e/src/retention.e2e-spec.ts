import type { DataSource } from 'typeorm';
import { FixedClock } from '@penalty/domain';
import { openServiceDatabase, PIPELINE_MIGRATIONS } from '@penalty/persistence';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, type Infrastructure } from '@penalty/testing';
import { RetentionWorker } from '@penalty/messaging';

/** Pruning by age on a real PostgreSQL: only what is older than the retention goes, in bounded deletes. */
describe('retention (real PostgreSQL)', () => {
  const databaseName = `it_retention_${runId()}`;
  const clock = new FixedClock('2026-11-30T10:00:00+08:00');
  let infrastructure: Infrastructure;
  let dataSource: DataSource;

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    dataSource = await openServiceDatabase({ url, schema: 'retention', migrations: PIPELINE_MIGRATIONS, poolSize: 2 });
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
  });

  it('deletes processed ids, finished tasks and refused messages older than the retention, and keeps the rest', async () => {
    const old = '2026-10-01T10:00:00+08:00';
    const recent = '2026-11-29T10:00:00+08:00';
    // More old ids than one delete takes, so pruning goes on in chunks until none is left.
    await dataSource.query(`INSERT INTO processed_event (event_id, topic, outcome, processed_at) SELECT 'old-' || i, 't', 'APPLIED', $1 FROM generate_series(1, 12000) i`, [old]);
    await dataSource.query(`INSERT INTO processed_event (event_id, topic, outcome, processed_at) VALUES ('recent', 't', 'APPLIED', $1)`, [recent]);
    await dataSource.query(
      `INSERT INTO scheduled_task (kind, task_key, merchant_id, due_at, payload, done_at, cancelled_at) VALUES
         ('K', 'done-old', 'm', $1, '{}', $1, NULL), ('K', 'cancelled-old', 'm', $1, '{}', NULL, $1),
         ('K', 'done-recent', 'm', $2, '{}', $2, NULL), ('K', 'pending-old', 'm', $1, '{}', NULL, NULL)`,
      [old, recent],
    );
    await dataSource.query(`INSERT INTO outbox_refused (topic, message_key, value, headers, error, refused_at) VALUES ('t', 'm', 'v', '{}', 'e', $1), ('t', 'm', 'v', '{}', 'e', $2)`, [old, recent]);

    const deleted = await new RetentionWorker(dataSource, clock, 30).prune();
    expect(deleted).toEqual({ processed_event: 12000, scheduled_task: 2, outbox_refused: 1 });
    expect(await dataSource.query('SELECT event_id FROM processed_event')).toEqual([{ event_id: 'recent' }]);
    // A task not yet run is never pruned, however old.
    expect((await dataSource.query('SELECT task_key FROM scheduled_task ORDER BY task_key')).map((r: { task_key: string }) => r.task_key)).toEqual(['done-recent', 'pending-old']);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM outbox_refused')).toEqual([{ n: 1 }]);
  });
});
