import type { DataSource } from 'typeorm';
import { DomainError, FixedClock } from '@penalty/domain';
import { CANCEL_TASKS_BY_PREFIX_SQL, cancelTasksWithPrefixes, createKafkaClient, cancelTasks, OutboxPublisher, prefixSuccessor, scheduleTask, ScheduledTaskRunner, TransactionRunner, type TaskHandler } from '@penalty/messaging';
import { openServiceDatabase, PIPELINE_MIGRATIONS } from '@penalty/persistence';
import { PipelineMetrics } from '@penalty/runtime';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, type Infrastructure } from '@penalty/testing';

/** The durable scheduler on a real PostgreSQL: exactly-once effects, retries, rejections, cancellation. */
describe('scheduled tasks (real PostgreSQL)', () => {
  const databaseName = `it_tasks_${runId()}`;
  const clock = new FixedClock('2026-11-23T10:00:00+08:00');
  let infrastructure: Infrastructure;
  let first: DataSource;
  let second: DataSource;

  const open = (url: string) => openServiceDatabase({ url, schema: 'tasks', migrations: PIPELINE_MIGRATIONS });
  /** The tasks here publish nothing, so the publisher is never started. */
  const runnerOn = (dataSource: DataSource) =>
    new TransactionRunner(dataSource, new OutboxPublisher(createKafkaClient({ clientId: 'tasks-test', brokers: [infrastructure.kafkaBrokers] }), { brokers: [], clientId: 'tasks', topicNamespace: '', partitions: 3 }, new PipelineMetrics('tasks-test')), 3);

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    first = await open(url);
    second = await open(url);
    await first.query('CREATE TABLE effect (task_key text NOT NULL, at timestamptz NOT NULL)');
  }, 120_000);

  afterAll(async () => {
    await first?.destroy();
    await second?.destroy();
    await dropDatabase(infrastructure.databaseUrl, databaseName);
    await infrastructure.stop();
  });

  beforeEach(async () => {
    await first.query('TRUNCATE effect, scheduled_task');
    clock.set('2026-11-23T10:00:00+08:00');
  });

  const recordEffect: TaskHandler = async (manager, task) => {
    await manager.query('INSERT INTO effect (task_key, at) VALUES ($1, $2)', [task.key, clock.now()]);
  };
  const effects = async () => (await first.query('SELECT task_key FROM effect ORDER BY task_key')).map((r: { task_key: string }) => r.task_key);
  const schedule = (key: string, dueAt: string) =>
    first.transaction((m) => scheduleTask(m, { kind: 'REMIND', key, merchantId: 'm-1', dueAt: new Date(dueAt), payload: { note: key } }));

  it('runs a task once it is due, exactly once, and ignores scheduling the same key again', async () => {
    expect(await schedule('a', '2026-11-24T10:00:00+08:00')).toBe(true);
    expect(await schedule('a', '2026-11-25T10:00:00+08:00')).toBe(false);
    const runner = new ScheduledTaskRunner(runnerOn(first), clock, { REMIND: recordEffect });
    expect(await runner.runDue()).toBe(0);
    clock.set('2026-11-24T10:00:00+08:00');
    expect(await runner.runDue()).toBe(1);
    expect(await runner.runDue()).toBe(0);
    expect(await effects()).toEqual(['a']);
  });

  it('never runs a task twice when two runners (two replicas) poll at the same moment', async () => {
    for (let i = 0; i < 40; i++) await schedule(`t${String(i).padStart(2, '0')}`, '2026-11-23T09:00:00+08:00');
    const slowEffect: TaskHandler = async (manager, task) => {
      await recordEffect(manager, task);
      await new Promise((r) => setTimeout(r, 5));
    };
    const options = { batchSize: 10, retryBaseMs: 1000, retryMaxMs: 1000, fallbackMs: 30_000 };
    const a = new ScheduledTaskRunner(runnerOn(first), clock, { REMIND: slowEffect }, options);
    const b = new ScheduledTaskRunner(runnerOn(second), clock, { REMIND: slowEffect }, options);
    let total = 0;
    for (let round = 0; round < 10; round++) total += (await Promise.all([a.runDue(), b.runDue()])).reduce((x, y) => x + y, 0);
    expect(total).toBe(40);
    const keys = await effects();
    expect(keys).toHaveLength(40);
    expect(new Set(keys).size).toBe(40);
  });

  it('retries a failing task later with backoff, and completes it when the handler recovers', async () => {
    await schedule('flaky', '2026-11-23T09:00:00+08:00');
    let failures = 1;
    const flaky: TaskHandler = async (manager, task) => {
      if (failures-- > 0) throw new Error('webhook relay unavailable');
      await recordEffect(manager, task);
    };
    const runner = new ScheduledTaskRunner(runnerOn(first), clock, { REMIND: flaky }, { batchSize: 10, retryBaseMs: 60_000, retryMaxMs: 600_000, fallbackMs: 30_000 });
    expect(await runner.runDue()).toBe(0);
    const [row] = await first.query(`SELECT attempts, last_error, due_at FROM scheduled_task WHERE task_key = 'flaky'`);
    expect(row).toMatchObject({ attempts: 1, last_error: 'webhook relay unavailable' });
    expect(new Date(row.due_at).getTime()).toBe(clock.now().getTime() + 60_000);
    expect(await runner.runDue()).toBe(0);
    clock.advance(60_000);
    expect(await runner.runDue()).toBe(1);
    expect(await effects()).toEqual(['flaky']);
  });

  it('closes a task the rules reject, with the reason, and undoes its partial effect', async () => {
    await schedule('refused', '2026-11-23T09:00:00+08:00');
    const refuse: TaskHandler = async (manager, task) => {
      await recordEffect(manager, task);
      throw new DomainError('APPEAL.ALREADY_DECIDED', 'the appeal was decided before its window closed');
    };
    const runner = new ScheduledTaskRunner(runnerOn(first), clock, { REMIND: refuse });
    expect(await runner.runDue()).toBe(0);
    const [row] = await first.query(`SELECT done_at, last_error FROM scheduled_task WHERE task_key = 'refused'`);
    expect(row.done_at).not.toBeNull();
    expect(row.last_error).toBe('APPEAL.ALREADY_DECIDED: the appeal was decided before its window closed');
    expect(await effects()).toEqual([]);
  });

  it('does not run cancelled tasks, and leaves tasks of other kinds or keys alone', async () => {
    await schedule('case-1/week', '2026-11-23T09:00:00+08:00');
    await schedule('case-1/day', '2026-11-23T09:00:00+08:00');
    await schedule('case-2/day', '2026-11-23T09:00:00+08:00');
    expect(await first.transaction((m) => cancelTasks(m, 'REMIND', 'case-1/', clock.now()))).toBe(2);
    expect(await first.transaction((m) => cancelTasks(m, 'OTHER', 'case-2/', clock.now()))).toBe(0);
    expect(await new ScheduledTaskRunner(runnerOn(first), clock, { REMIND: recordEffect }).runDue()).toBe(1);
    expect(await effects()).toEqual(['case-2/day']);
  });

  it('cancels by several prefixes at once: exactly the keys that start with one, through the open-key index', async () => {
    const keys = ['m-1/case-1/7d', 'm-1/case-1/1d', 'm-1/case-10/7d', 'm-1/case-1', 'm-1/case-2/7d', 'm-12/case-1/7d', '商户/一/7d', '商户/二/7d', 'z\u{10ffff}/1d'];
    for (const key of keys) await schedule(key, '2026-11-23T09:00:00+08:00');
    const prefixes = ['m-1/case-1/', 'm-1/case-1/', '商户/一/', 'z\u{10ffff}', '\u{10ffff}'];
    expect(await first.transaction((m) => cancelTasksWithPrefixes(m, 'REMIND', prefixes, clock.now()))).toBe(4);
    expect(await new ScheduledTaskRunner(runnerOn(first), clock, { REMIND: recordEffect }).runDue()).toBe(5);
    expect(await effects()).toEqual(['m-1/case-1', 'm-1/case-10/7d', 'm-1/case-2/7d', 'm-12/case-1/7d', '商户/二/7d'].sort());
    // An empty prefix (no upper bound) cancels every pending task of the kind.
    for (const key of ['p/1', '\u{10ffff}\u{10ffff}']) await schedule(key, '2026-11-24T09:00:00+08:00');
    expect(await first.transaction((m) => cancelTasksWithPrefixes(m, 'REMIND', ['\u{10ffff}'], clock.now()))).toBe(1);
    expect(await first.transaction((m) => cancelTasksWithPrefixes(m, 'REMIND', [''], clock.now()))).toBe(1);

    // The plan reads the partial index by range (without it: every pending task of the kind, per prefix).
    await first.query(`INSERT INTO scheduled_task (kind, task_key, merchant_id, due_at)
                       SELECT 'REMIND', 'bulk-' || i || '/case-' || j || '/7d', 'bulk-' || i, now() FROM generate_series(1, 5000) i, generate_series(1, 3) j`);
    await first.query('ANALYZE scheduled_task');
    const plan = await first.transaction(async (m) => {
      const rows: { 'QUERY PLAN': string }[] = await m.query(`EXPLAIN ${CANCEL_TASKS_BY_PREFIX_SQL}`, ['REMIND', ['m-1/'], [prefixSuccessor('m-1/')], clock.now()]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index (Only )?Scan (using|on) scheduled_task_open_key/);
    expect(plan).toMatch(/Index Cond: .*task_key.*>=.*task_key.*</);
  });
});
