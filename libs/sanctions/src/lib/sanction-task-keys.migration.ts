import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A top-up deadline task's key escapes the merchant id (topUpDueTaskKey: '%' and '/' escaped), so that
 * closing merchant "m"'s window no longer cancels merchant "m/x"'s (its keys started with "m/"). Keys
 * written before were the merchant id as is, '/', the instant: those of ids holding '%' or '/' are
 * rewritten (the others are unchanged by the escaping).
 */
export class SanctionTaskKeys1764800100000 implements MigrationInterface {
  name = 'SanctionTaskKeys1764800100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE scheduled_task SET task_key = replace(replace(merchant_id, '%', '%25'), '/', '%2F') || substr(task_key, length(merchant_id) + 1)
      WHERE kind = 'DEPOSIT_TOP_UP_DUE' AND starts_with(task_key, merchant_id || '/') AND (strpos(merchant_id, '/') > 0 OR strpos(merchant_id, '%') > 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const escaped = `replace(replace(merchant_id, '%', '%25'), '/', '%2F')`;
    await queryRunner.query(`
      UPDATE scheduled_task SET task_key = merchant_id || substr(task_key, length(${escaped}) + 1)
      WHERE kind = 'DEPOSIT_TOP_UP_DUE' AND starts_with(task_key, ${escaped} || '/') AND (strpos(merchant_id, '/') > 0 OR strpos(merchant_id, '%') > 0)`);
  }
}
