import type { DataSource, EntityManager } from 'typeorm';
import { DomainError, FixedClock } from '@penalty/domain';
import { cancelTaskGroups, createKafkaClient, OutboxPublisher, scheduleTask, scheduleTasks, ScheduledTaskRunner, TransactionRunner, type TaskHandler } from '@penalty/messaging';
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
  const schedule = (key: string, dueAt: string, group?: string) =>
    first.transaction((m) => scheduleTask(m, { kind: 'REMIND', key, merchantId: 'm-1', dueAt: new Date(dueAt), payload: { note: key }, ...(group !== undefined ? { group } : {}) }));

  interface PlanNode { 'Node Type': string; 'Index Name'?: string; 'Actual Loops': number; 'Actual Rows': number; 'Rows Removed by Filter'?: number; Plans?: PlanNode[] }
  /** The statement cancelTaskGroups sends (captured, not run), run under EXPLAIN ANALYZE and rolled back. */
  const explainCancel = async (groups: string[]): Promise<{ Plan: PlanNode }[]> => {
    const sent: { sql: string; params: unknown[] }[] = [];
    const capturing = { query: async (sql: string, params: unknown[]) => (sent.push({ sql, params }), [[], 0]) } as unknown as EntityManager;
    await cancelTaskGroups(capturing, 'REMIND', groups, clock.now());
    expect(sent).toHaveLength(1);
    const explained = first.createQueryRunner();
    try {
      await explained.startTransaction();
      const [row] = (await explained.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sent[0].sql}`, sent[0].params)) as { 'QUERY PLAN': { Plan: PlanNode }[] }[];
      return row['QUERY PLAN'];
    } finally {
      await explained.rollbackTransaction();
      await explained.release();
    }
  };
  const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];

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

  it('does not run cancelled tasks, and leaves tasks of other kinds, other groups or no group alone', async () => {
    await schedule('case-1/week', '2026-11-23T09:00:00+08:00', 'case-1');
    await schedule('case-1/day', '2026-11-23T09:00:00+08:00', 'case-1');
    await schedule('case-10/day', '2026-11-23T09:00:00+08:00', 'case-10');
    await schedule('case-2/day', '2026-11-23T09:00:00+08:00', 'case-2');
    await schedule('case-1/ungrouped', '2026-11-23T09:00:00+08:00');
    expect(await first.transaction((m) => cancelTaskGroups(m, 'REMIND', ['case-1', 'case-1', '商户'], clock.now()))).toBe(2);
    expect(await first.transaction((m) => cancelTaskGroups(m, 'OTHER', ['case-2'], clock.now()))).toBe(0);
    expect(await first.transaction((m) => cancelTaskGroups(m, 'REMIND', [], clock.now()))).toBe(0);
    // Cancelled already: not counted again.
    expect(await first.transaction((m) => cancelTaskGroups(m, 'REMIND', ['case-1'], clock.now()))).toBe(0);
    expect(await new ScheduledTaskRunner(runnerOn(first), clock, { REMIND: recordEffect }).runDue()).toBe(3);
    expect(await effects()).toEqual(['case-1/ungrouped', 'case-10/day', 'case-2/day']);
  });

  it('cancels hundreds of groups with one scan, never a loop per group, on a table never analyzed', async () => {
    // A table filled since its last ANALYZE (a fresh database in a burst) is what made the key-prefix
    // range join a nested loop over every open task per prefix. This database is fresh and autovacuum
    // is off for the table, so it has no statistics.
    await first.query('ALTER TABLE scheduled_task SET (autovacuum_enabled = false)');
    try {
      const tasks = Array.from({ length: 30_000 }, (_, i) => ({ kind: 'REMIND', key: `m-${i % 2000}/case-${i}/7d`, group: `m-${i % 2000}/case-${i}/`, merchantId: `m-${i % 2000}`, dueAt: new Date('2026-11-30T09:00:00+08:00') }));
      await first.transaction((m) => scheduleTasks(m, tasks));
      const groups = tasks.filter((_, i) => i % 60 === 0).map((t) => t.group);
      const plan = await explainCancel(groups);
      // One scan, whatever it is: never a join that visits the open tasks once per group.
      expect(plan[0].Plan.Plans).toHaveLength(1);
      expect(plan[0].Plan.Plans![0]['Node Type']).not.toMatch(/Nested Loop|Join/);
      expect(plan[0].Plan.Plans![0]['Actual Loops']).toBe(1);
      expect(plan[0].Plan.Plans![0]['Actual Rows']).toBe(groups.length);
      expect(await first.transaction((m) => cancelTaskGroups(m, 'REMIND', groups, clock.now()))).toBe(groups.length);
    } finally {
      await first.query('ALTER TABLE scheduled_task RESET (autovacuum_enabled)');
    }
  });

  it('cancels a few groups through the group index, never by filtering every open task, on a table never analyzed', async () => {
    // Without statistics the due index (same open-task predicate, estimated near empty) was chosen and
    // every open task filtered: 78 ms a call with 56,000 of them, in the notification consumer's batch.
    await first.query('ALTER TABLE scheduled_task SET (autovacuum_enabled = false)');
    try {
      const tasks = Array.from({ length: 20_000 }, (_, i) => ({ kind: 'REMIND', key: `m-${i % 2000}/case-${i}/7d`, group: `m-${i % 2000}/case-${i}/`, merchantId: `m-${i % 2000}`, dueAt: new Date('2026-11-30T09:00:00+08:00') }));
      await first.transaction((m) => scheduleTasks(m, tasks));
      const groups = [tasks[7].group, tasks[19_000].group, 'm-1/case-unknown/'];
      const nodes = planNodes((await explainCancel(groups))[0].Plan);
      expect(nodes.map((n) => n['Index Name']).filter(Boolean)).toEqual(['scheduled_task_group']);
      expect(nodes.reduce((sum, n) => sum + (n['Rows Removed by Filter'] ?? 0), 0)).toBe(0);
      expect(await first.transaction((m) => cancelTaskGroups(m, 'REMIND', groups, clock.now()))).toBe(2);
    } finally {
      await first.query('ALTER TABLE scheduled_task RESET (autovacuum_enabled)');
    }
  });
});
