import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The group index no longer carries the open-task predicate. While `scheduled_task` had not been
 * analyzed since it filled (a fresh database, a burst), the planner served cancelTaskGroups with the
 * due index (`scheduled_task_due`, whose predicate is the same `done_at IS NULL AND cancelled_at IS
 * NULL`, estimated near empty without statistics) and filtered every open task: 78 ms a call with
 * 56,000 open tasks, in the notification consumer's transaction. The cancel statement now tests
 * openness with an expression no partial index's predicate is implied by, so the group index (an
 * index condition on kind and group, a few rows per group) is the one that applies, whatever the
 * statistics.
 */
export class ScheduledTaskGroupIndex1765100000000 implements MigrationInterface {
  name = 'ScheduledTaskGroupIndex1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX scheduled_task_group ON scheduled_task (kind, cancel_group) WHERE cancel_group IS NOT NULL');
    await queryRunner.query('DROP INDEX scheduled_task_open_group');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX scheduled_task_open_group ON scheduled_task (kind, cancel_group) WHERE done_at IS NULL AND cancelled_at IS NULL AND cancel_group IS NOT NULL');
    await queryRunner.query('DROP INDEX scheduled_task_group');
  }
}
