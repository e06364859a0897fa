import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pruning by age (RetentionWorker) without scanning whole tables. BRIN: the columns grow with time,
 * so a tiny index that costs almost nothing on the hot insert path finds the old rows.
 */
export class RetentionIndexes1764600100000 implements MigrationInterface {
  name = 'RetentionIndexes1764600100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX processed_event_processed_at ON processed_event USING brin (processed_at)');
    await queryRunner.query('CREATE INDEX scheduled_task_finished ON scheduled_task (coalesce(done_at, cancelled_at)) WHERE done_at IS NOT NULL OR cancelled_at IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX scheduled_task_finished');
    await queryRunner.query('DROP INDEX processed_event_processed_at');
  }
}
