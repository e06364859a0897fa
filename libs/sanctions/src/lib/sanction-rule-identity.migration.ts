import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which rulebook decided each sanction and forgery case (rulebook section 9): its marketplace (and,
 * for a sanction, the content hash of the version applied). Rows from before are the deployment's default marketplace; their hash is unknown.
 */
export class SanctionRuleIdentity1764900300000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE sanction ADD COLUMN marketplace text, ADD COLUMN rule_content_hash text');
    await queryRunner.query('ALTER TABLE forgery_case ADD COLUMN marketplace text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE forgery_case DROP COLUMN marketplace');
    await queryRunner.query('ALTER TABLE sanction DROP COLUMN marketplace, DROP COLUMN rule_content_hash');
  }
}
