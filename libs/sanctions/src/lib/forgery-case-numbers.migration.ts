import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A merchant's forgery case numbers are unique (section 4: the 1st, 2nd and 3rd case decide the
 * outcome). The number is still the merchant's cases + 1, but two writers that both counted the same
 * cases can no longer both commit it: the second one's insert conflicts and its batch is applied
 * again, counting the first one's case. If a deployment already holds a repeated number, this fails
 * naming it rather than choosing which case to renumber.
 */
export class ForgeryCaseNumbers1764800000000 implements MigrationInterface {
  name = 'ForgeryCaseNumbers1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE forgery_case ADD CONSTRAINT forgery_case_merchant_number UNIQUE (merchant_id, case_number)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE forgery_case DROP CONSTRAINT forgery_case_merchant_number');
  }
}
