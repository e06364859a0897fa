import { Topics } from '@penalty/contracts';
import { systemClock } from '@penalty/domain';
import { HandlerTestbed } from '@penalty/testing';
import { FORGERY_REMEDIATION_DUE_TASK } from './open-forgery-cases/open-forgery-cases.handler';
import { DEPOSIT_TOP_UP_DUE_TASK, topUpDueTaskGroup, topUpDueTaskKey } from './sanction-book';
import { SanctionTaskGroups1765000200000 } from './sanction-task-groups.migration';
import { SANCTION_MIGRATIONS } from './sanction.migrations';

/** Open tasks written before they had a group get the group today's code gives them (real PostgreSQL). */
describe('sanction task groups migration (real PostgreSQL)', () => {
  const before = SANCTION_MIGRATIONS.filter((m) => m !== SanctionTaskGroups1765000200000);
  const testbed = new HandlerTestbed({ schema: 'sanction', migrations: before, topics: [Topics.SanctionsDecidedV1], clock: systemClock });

  beforeAll(() => testbed.start(1), 120_000);
  afterAll(() => testbed.stop());

  it('fills the group of open top-up and remediation deadlines from their keys, and of nothing else', async () => {
    const dueAt = new Date('2026-12-08T02:00:00.000Z');
    const insert = (kind: string, key: string, merchantId: string, done = false) =>
      testbed.rows(`INSERT INTO scheduled_task (kind, task_key, merchant_id, due_at, done_at) VALUES ($1, $2, $3, $4, $5)`, [kind, key, merchantId, dueAt, done ? dueAt : null]);
    await insert(DEPOSIT_TOP_UP_DUE_TASK, topUpDueTaskKey('m-1', dueAt), 'm-1');
    await insert(DEPOSIT_TOP_UP_DUE_TASK, topUpDueTaskKey('m/x%', dueAt), 'm/x%');
    await insert(FORGERY_REMEDIATION_DUE_TASK, 'case-7', 'm-1');
    await insert(DEPOSIT_TOP_UP_DUE_TASK, topUpDueTaskKey('m-2', dueAt), 'm-2', true);
    await insert('OTHER', 'm-1/x', 'm-1');

    const runner = testbed.replicas[0].dataSource.createQueryRunner();
    try {
      await new SanctionTaskGroups1765000200000().up(runner);
    } finally {
      await runner.release();
    }
    const groups = await testbed.rows<{ task_key: string; cancel_group: string | null }>('SELECT task_key, cancel_group FROM scheduled_task ORDER BY id');
    expect(groups).toEqual([
      { task_key: topUpDueTaskKey('m-1', dueAt), cancel_group: topUpDueTaskGroup('m-1') },
      { task_key: topUpDueTaskKey('m/x%', dueAt), cancel_group: topUpDueTaskGroup('m/x%') },
      { task_key: 'case-7', cancel_group: 'case-7' },
      { task_key: topUpDueTaskKey('m-2', dueAt), cancel_group: null },
      { task_key: 'm-1/x', cancel_group: null },
    ]);
  });
});
