import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Merchant accounts (deposit), assessments seen, ladder nodes passed, sanctions and their measures. */
export class SanctionTables1763856200000 implements MigrationInterface {
  name = 'SanctionTables1763856200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE merchant_account (
        merchant_id       text PRIMARY KEY,
        store_type        text,
        trademark_status  text,
        categories        jsonb NOT NULL DEFAULT '[]'::jsonb,
        exam_eligible     boolean NOT NULL DEFAULT false,
        required_fen      bigint,
        fines_charged_fen bigint NOT NULL DEFAULT 0,
        payments_fen      bigint NOT NULL DEFAULT 0,
        updated_at        timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE assessment (
        violation_id  text PRIMARY KEY,
        assessment_id text NOT NULL,
        merchant_id   text NOT NULL,
        natural_year  integer NOT NULL,
        track         text NOT NULL,
        points        integer NOT NULL,
        rule_version  text NOT NULL,
        updated_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX assessment_merchant_year ON assessment (merchant_id, natural_year, track)`);
    await queryRunner.query(`
      CREATE TABLE sanction (
        sanction_id     uuid PRIMARY KEY,
        merchant_id     text NOT NULL,
        cause           jsonb NOT NULL,
        fine_fen        bigint,
        rule_version    text NOT NULL,
        decided_at      timestamptz NOT NULL,
        appeal_deadline timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX sanction_merchant ON sanction (merchant_id)`);
    await queryRunner.query(`
      CREATE TABLE ladder_node (
        merchant_id  text NOT NULL,
        natural_year integer NOT NULL,
        track        text NOT NULL,
        node         integer NOT NULL,
        status       text NOT NULL CHECK (status IN ('IMPOSED', 'SKIPPED')),
        sanction_id  uuid NOT NULL REFERENCES sanction (sanction_id),
        decided_at   timestamptz NOT NULL,
        PRIMARY KEY (merchant_id, natural_year, track, node)
      )`);
    await queryRunner.query(`
      CREATE TABLE measure (
        id          bigserial PRIMARY KEY,
        sanction_id uuid NOT NULL REFERENCES sanction (sanction_id),
        merchant_id text NOT NULL,
        type        text NOT NULL,
        starts_at   timestamptz NOT NULL,
        ends_at     timestamptz,
        lifted_at   timestamptz,
        lift_reason text
      )`);
    await queryRunner.query(`CREATE INDEX measure_due ON measure (ends_at) WHERE lifted_at IS NULL AND ends_at IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX measure_merchant ON measure (merchant_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['measure', 'ladder_node', 'sanction', 'assessment', 'merchant_account']) await queryRunner.query(`DROP TABLE ${table}`);
  }
}
