import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The API's read model of merchant standing, projected from the public decision topics. */
export class StandingTables1763856300000 implements MigrationInterface {
  name = 'StandingTables1763856300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE standing_points (
        merchant_id  text NOT NULL,
        natural_year integer NOT NULL,
        general      integer NOT NULL,
        serious      integer NOT NULL,
        PRIMARY KEY (merchant_id, natural_year)
      )`);
    await queryRunner.query(`
      CREATE TABLE standing_profile (
        merchant_id   text PRIMARY KEY,
        required_fen  bigint NOT NULL,
        exam_eligible boolean NOT NULL,
        updated_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE standing_sanction (
        sanction_id text PRIMARY KEY,
        merchant_id text NOT NULL,
        fine_fen    bigint
      )`);
    await queryRunner.query(`CREATE INDEX standing_sanction_merchant ON standing_sanction (merchant_id)`);
    await queryRunner.query(`
      CREATE TABLE standing_measure (
        sanction_id text NOT NULL,
        merchant_id text NOT NULL,
        type        text NOT NULL,
        ends_at     timestamptz,
        lifted_at   timestamptz,
        PRIMARY KEY (sanction_id, type)
      )`);
    await queryRunner.query(`CREATE INDEX standing_measure_merchant ON standing_measure (merchant_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['standing_measure', 'standing_sanction', 'standing_profile', 'standing_points']) await queryRunner.query(`DROP TABLE ${table}`);
  }
}
