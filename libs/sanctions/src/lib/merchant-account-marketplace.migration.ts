import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The marketplace of the merchant's account, from its latest profile (rulebook section 9), so that a
 * deposit is read and paid only by operators whose roles are for it. Accounts from before, and those
 * of merchants whose profile names none, are the deployment's default marketplace (null).
 */
export class MerchantAccountMarketplace1765100500000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE merchant_account ADD COLUMN marketplace text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE merchant_account DROP COLUMN marketplace');
  }
}
