import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Appeals against the decisions a service owns (rulebook section 5); each service keeps its own. */
export class AppealTables1763900100000 implements MigrationInterface {
  name = 'AppealTables1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE appeal (
        appeal_id                uuid PRIMARY KEY,
        merchant_id              text NOT NULL,
        subject_kind             text NOT NULL CHECK (subject_kind IN ('PENALTY', 'SANCTION', 'FORGERY_CASE')),
        subject_id               text NOT NULL,
        round                    integer NOT NULL CHECK (round IN (1, 2)),
        status                   text NOT NULL CHECK (status IN ('PENDING', 'ACCEPTED', 'REJECTED')),
        statement                text NOT NULL,
        evidence                 jsonb NOT NULL,
        filed_at                 timestamptz NOT NULL,
        filed_by                 text NOT NULL,
        window_closes_at         timestamptz NOT NULL,
        rejection_reason         text,
        review_note              text,
        decided_at               timestamptz,
        decided_by               text,
        second_appeal_closes_at  timestamptz,
        UNIQUE (subject_kind, subject_id, round)
      )`);
    await queryRunner.query('CREATE INDEX appeal_merchant ON appeal (merchant_id, filed_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE appeal');
  }
}

/** Reviewers claim an appeal before they decide it (one reviewer per appeal at a time), or assign it to a colleague. */
export class AppealClaims1764900500000 implements MigrationInterface {
  name = 'AppealClaims1764900500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE appeal ADD COLUMN claimed_by text, ADD COLUMN claimed_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE appeal DROP COLUMN claimed_by, DROP COLUMN claimed_at');
  }
}

/** Every migration of the appeal table, in order, for the services that keep appeals. */
export const APPEAL_MIGRATIONS = [AppealTables1763900100000, AppealClaims1764900500000];
