import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Exam-instead-of-penalty chances and what scoring needs of the merchant profile (eligibility). */
export class ScoringRemedies1763900200000 implements MigrationInterface {
  name = 'ScoringRemedies1763900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE merchant_profile (
        merchant_id   text PRIMARY KEY,
        exam_eligible boolean NOT NULL,
        updated_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE exam_chance (
        chance_id    uuid PRIMARY KEY,
        merchant_id  text NOT NULL,
        natural_year integer NOT NULL,
        status       text NOT NULL CHECK (status IN ('GRANTED', 'CHOSEN', 'PASSED', 'FAILED', 'REFUSED', 'VOIDED')),
        granted_at   timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL,
        violation_id text REFERENCES violation (violation_id),
        chosen_at    timestamptz,
        decided_at   timestamptz,
        reason       text,
        updated_at   timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX exam_chance_merchant ON exam_chance (merchant_id, natural_year)');
    // A violation's points are waived by one exam at most.
    await queryRunner.query(`CREATE UNIQUE INDEX exam_chance_violation ON exam_chance (violation_id) WHERE violation_id IS NOT NULL AND status IN ('CHOSEN', 'PASSED')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE exam_chance');
    await queryRunner.query('DROP TABLE merchant_profile');
  }
}
