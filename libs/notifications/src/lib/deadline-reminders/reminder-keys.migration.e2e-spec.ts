import { Topics } from '@penalty/contracts';
import { systemClock } from '@penalty/domain';
import { HandlerTestbed } from '@penalty/testing';
import { NotificationPendingDue1764700000000, NotificationReminderGroups1765000100000, NotificationReminderKeys1764800000000, NotificationTables1763856300000 } from '../notification.migration';
import { reminderGroup, reminderKey, type Deadline } from './deadline-of-decision';

/** Reminder keys written before they named their merchant are rewritten to today's keys, and open reminders get their groups (real PostgreSQL). */
describe('reminder keys migration (real PostgreSQL)', () => {
  const testbed = new HandlerTestbed({ schema: 'notification', migrations: [NotificationTables1763856300000, NotificationPendingDue1764700000000], topics: [Topics.NotificationsSentV1], clock: systemClock });

  beforeAll(() => testbed.start(1), 120_000);
  afterAll(() => testbed.stop());

  it('rewrites each legacy key to the key reminderKey makes now, and back', async () => {
    const closesAt = new Date('2026-12-08T02:00:00.000Z');
    const cases: { merchantId: string; deadline: Deadline; lead: number; legacy: string }[] = [
      { merchantId: 'm-1', deadline: { kind: 'APPEAL_WINDOW', closesAt, reference: 's-1', referenceKind: 'SANCTION', scope: 's-1' }, lead: 7, legacy: 'APPEAL_WINDOW/s-1/2026-12-08T02:00:00.000Z/7d' },
      { merchantId: 'm-1', deadline: { kind: 'APPEAL_WINDOW', closesAt, reference: 's-1', referenceKind: 'SANCTION', scope: 's-1', reopening: 'round-2' }, lead: 1, legacy: 'APPEAL_WINDOW/s-1/2026-12-08T02:00:00.000Z/round-2/1d' },
      // Ids holding '/' and '%', and a scope that itself looks like the end of a key.
      { merchantId: 'm/x%', deadline: { kind: 'DEPOSIT_TOP_UP', closesAt, reference: 'm/x%', referenceKind: 'DEPOSIT', scope: 'm/x%' }, lead: 7, legacy: 'DEPOSIT_TOP_UP/m/x%/2026-12-08T02:00:00.000Z/7d' },
      { merchantId: 'm-2', deadline: { kind: 'APPEAL_WINDOW', closesAt, reference: 'v/2026-12-01T00:00:00.000Z/7d', referenceKind: 'VIOLATION', scope: 'v/2026-12-01T00:00:00.000Z/7d' }, lead: 7, legacy: 'APPEAL_WINDOW/v/2026-12-01T00:00:00.000Z/7d/2026-12-08T02:00:00.000Z/7d' },
    ];
    for (const [i, c] of cases.entries()) {
      await testbed.rows(`INSERT INTO scheduled_task (kind, task_key, merchant_id, due_at) VALUES ('DEADLINE_REMINDER', $1, $2, $3)`, [c.legacy, c.merchantId, new Date(closesAt.getTime() - i)]);
    }
    await testbed.rows(`INSERT INTO scheduled_task (kind, task_key, merchant_id, due_at) VALUES ('OTHER', 'APPEAL_WINDOW/s-1/2026-12-08T02:00:00.000Z/7d', 'm-1', now())`);
    const keys = () => testbed.rows<{ task_key: string }>(`SELECT task_key FROM scheduled_task WHERE kind = 'DEADLINE_REMINDER' ORDER BY due_at DESC`).then((rows) => rows.map((r) => r.task_key));

    const runner = testbed.replicas[0].dataSource.createQueryRunner();
    try {
      await new NotificationReminderKeys1764800000000().up(runner);
      expect(await keys()).toEqual(cases.map((c) => reminderKey(c.deadline, c.merchantId, c.lead)));
      for (const c of cases) expect(reminderKey(c.deadline, c.merchantId, c.lead).startsWith(reminderGroup(c.deadline, c.merchantId))).toBe(true);
      // Other kinds are not reminders: untouched.
      expect(await testbed.rows(`SELECT task_key FROM scheduled_task WHERE kind = 'OTHER'`)).toEqual([{ task_key: 'APPEAL_WINDOW/s-1/2026-12-08T02:00:00.000Z/7d' }]);

      // Open reminders written without a group get the one reminderGroup gives their deadline; a done one and other kinds keep none.
      await testbed.rows(`INSERT INTO scheduled_task (kind, task_key, merchant_id, due_at, done_at) VALUES ('DEADLINE_REMINDER', 'APPEAL_WINDOW/m-9/s-9/2026-12-08T02:00:00.000Z/7d', 'm-9', now(), now())`);
      await new NotificationReminderGroups1765000100000().up(runner);
      const groups = await testbed.rows<{ cancel_group: string | null }>(`SELECT cancel_group FROM scheduled_task WHERE kind = 'DEADLINE_REMINDER' AND done_at IS NULL ORDER BY due_at DESC`);
      expect(groups.map((g) => g.cancel_group)).toEqual(cases.map((c) => reminderGroup(c.deadline, c.merchantId)));
      expect(await testbed.rows(`SELECT cancel_group FROM scheduled_task WHERE kind = 'OTHER' OR done_at IS NOT NULL`)).toEqual([{ cancel_group: null }, { cancel_group: null }]);
      await testbed.rows(`DELETE FROM scheduled_task WHERE done_at IS NOT NULL`);

      await new NotificationReminderKeys1764800000000().down(runner);
      expect(await keys()).toEqual(cases.map((c) => c.legacy));
    } finally {
      await runner.release();
    }
  });
});
