import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Measures found by their sanction (revocations, operator lifts) without scanning the merchant's. */
export class SanctionIndexes1764700000000 implements MigrationInterface {
  name = 'SanctionIndexes1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX IF NOT EXISTS measure_sanction ON measure (sanction_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX IF EXISTS measure_sanction');
  }
}
