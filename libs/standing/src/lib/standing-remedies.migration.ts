import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The latest state of each remedy (remedies.updated.v1), and the appeal deadline of each sanction. */
export class StandingRemedies1763900400000 implements MigrationInterface {
  name = 'StandingRemedies1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE standing_sanction ADD COLUMN appeal_deadline timestamptz, ADD COLUMN decided_at timestamptz');
    await queryRunner.query(`
      CREATE TABLE standing_deposit (
        merchant_id   text PRIMARY KEY,
        required_fen  bigint,
        balance_fen   bigint NOT NULL,
        shortfall_fen bigint NOT NULL,
        top_up_due_at timestamptz,
        updated_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE standing_exam_chance (
        chance_id              text PRIMARY KEY,
        merchant_id            text NOT NULL,
        natural_year           integer NOT NULL,
        status                 text NOT NULL,
        expires_at             timestamptz NOT NULL,
        violation_id           text,
        offer_violation_id     text,
        offer_choice_closes_at timestamptz,
        reason                 text,
        updated_at             timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX standing_exam_chance_merchant ON standing_exam_chance (merchant_id, natural_year)');
    await queryRunner.query(`
      CREATE TABLE standing_forgery_case (
        case_id               text PRIMARY KEY,
        merchant_id           text NOT NULL,
        violation_id          text NOT NULL,
        case_number           integer NOT NULL,
        severity              text NOT NULL,
        rule_version          text NOT NULL,
        status                text NOT NULL,
        opened_at             timestamptz NOT NULL,
        remediation_closes_at timestamptz,
        sanction_ids          jsonb NOT NULL,
        updated_at            timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX standing_forgery_case_merchant ON standing_forgery_case (merchant_id)');
    await queryRunner.query(`
      CREATE TABLE standing_appeal (
        appeal_id               text PRIMARY KEY,
        merchant_id             text NOT NULL,
        subject_kind            text NOT NULL,
        subject_id              text NOT NULL,
        round                   integer NOT NULL,
        status                  text NOT NULL,
        rejection_reason        text,
        evidence                jsonb NOT NULL,
        filed_at                timestamptz NOT NULL,
        decided_at              timestamptz,
        second_appeal_closes_at timestamptz,
        updated_at              timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX standing_appeal_merchant ON standing_appeal (merchant_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['standing_appeal', 'standing_forgery_case', 'standing_exam_chance', 'standing_deposit']) await queryRunner.query(`DROP TABLE ${table}`);
    await queryRunner.query('ALTER TABLE standing_sanction DROP COLUMN appeal_deadline, DROP COLUMN decided_at');
  }
}
