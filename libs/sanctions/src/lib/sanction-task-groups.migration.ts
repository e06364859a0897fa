import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sanction service's tasks are cancelled by group (cancelTaskGroups): open tasks written before
 * the group existed get theirs from their keys. A top-up deadline's group is its merchant's key part
 * and the '/' after it (topUpDueTaskGroup; the part is escaped, so it holds no '/'); a forgery case's
 * remediation deadline is keyed by the case id, which is its group. Runs after ScheduledTaskCancelGroups.
 */
export class SanctionTaskGroups1765000200000 implements MigrationInterface {
  name = 'SanctionTaskGroups1765000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE scheduled_task SET cancel_group = CASE kind WHEN 'DEPOSIT_TOP_UP_DUE' THEN substring(task_key from '^([^/]*/)') ELSE task_key END
      WHERE kind IN ('DEPOSIT_TOP_UP_DUE', 'FORGERY_REMEDIATION_DUE') AND cancel_group IS NULL AND done_at IS NULL AND cancelled_at IS NULL`);
  }

  async down(): Promise<void> {
    // The column goes with ScheduledTaskCancelGroups' down.
  }
}
