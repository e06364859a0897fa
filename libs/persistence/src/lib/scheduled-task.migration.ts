import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Durable timers of a service: windows that close, reminders before deadlines. A task is identified
 * by (kind, task_key), so scheduling the same thing twice is harmless.
 */
export class ScheduledTasks1763857000000 implements MigrationInterface {
  name = 'ScheduledTasks1763857000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE scheduled_task (
        id           bigserial PRIMARY KEY,
        kind         text NOT NULL,
        task_key     text NOT NULL,
        merchant_id  text NOT NULL,
        due_at       timestamptz NOT NULL,
        payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
        attempts     integer NOT NULL DEFAULT 0,
        last_error   text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        done_at      timestamptz,
        cancelled_at timestamptz,
        UNIQUE (kind, task_key)
      )`);
    await queryRunner.query(`CREATE INDEX scheduled_task_due ON scheduled_task (due_at) WHERE done_at IS NULL AND cancelled_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE scheduled_task');
  }
}
