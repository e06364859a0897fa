import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reviewers claim a submitted remediation before they review it (one reviewer per case at a time), or
 * assign it to a colleague, as they do appeals.
 */
export class ForgeryCaseClaims1765100100000 implements MigrationInterface {
  name = 'ForgeryCaseClaims1765100100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE forgery_case ADD COLUMN claimed_by text, ADD COLUMN claimed_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE forgery_case DROP COLUMN claimed_by, DROP COLUMN claimed_at');
  }
}
