import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cancelling pending tasks by key prefix (every reminder of a closed window) without reading every
 * pending task of the kind: the open tasks' keys in code-point order (COLLATE "C", whatever the
 * database's collation), so that a prefix is one index range (cancelTasksWithPrefixes). Partial, so
 * it holds only what can still be cancelled.
 */
export class ScheduledTaskPrefixIndex1764700000000 implements MigrationInterface {
  name = 'ScheduledTaskPrefixIndex1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX scheduled_task_open_key ON scheduled_task (kind, task_key COLLATE "C") WHERE done_at IS NULL AND cancelled_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX scheduled_task_open_key');
  }
}
