import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tasks are cancelled by group (TaskToSchedule.group, cancelTaskGroups): an equality on an indexed
 * column instead of a key-prefix range. A prefix range join was planned, on a table filled since its
 * last ANALYZE, as a nested loop over every open task for every prefix (4-5 s a batch in a burst on a
 * fresh database); an equality is an index probe or one pass, whatever the statistics. Each service
 * fills the group of its open tasks from their keys in a migration of its own (it knows its kinds);
 * the key-prefix index is dropped.
 */
export class ScheduledTaskCancelGroups1765000000000 implements MigrationInterface {
  name = 'ScheduledTaskCancelGroups1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE scheduled_task ADD COLUMN cancel_group text');
    await queryRunner.query('CREATE INDEX scheduled_task_open_group ON scheduled_task (kind, cancel_group) WHERE done_at IS NULL AND cancelled_at IS NULL AND cancel_group IS NOT NULL');
    await queryRunner.query('DROP INDEX scheduled_task_open_key');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX scheduled_task_open_key ON scheduled_task (kind, task_key COLLATE "C") WHERE done_at IS NULL AND cancelled_at IS NULL`);
    await queryRunner.query('DROP INDEX scheduled_task_open_group');
    await queryRunner.query('ALTER TABLE scheduled_task DROP COLUMN cancel_group');
  }
}
