import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The merchant directory for operators' search: each profile's marketplace and names
 * (merchant.profile.updated.v1 `marketplace`, `displayName`, `storeName`). Names and ids are
 * searched by case-insensitive substring, which no B-tree index serves: a search reads the directory
 * (fine for a marketplace's 10^5 merchants; a pg_trgm index is the step beyond).
 */
export class StandingDirectory1764900000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE standing_profile ADD COLUMN marketplace text, ADD COLUMN display_name text, ADD COLUMN store_name text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE standing_profile DROP COLUMN marketplace, DROP COLUMN display_name, DROP COLUMN store_name');
  }
}

/** Who works on each pending appeal (appeal.updated.v1 `claim`), for the review queue. */
export class StandingAppealClaims1764900600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE standing_appeal ADD COLUMN claimed_by text, ADD COLUMN claimed_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE standing_appeal DROP COLUMN claimed_by, DROP COLUMN claimed_at');
  }
}

/** Who works on each submitted remediation, and its documents (forgery-case.updated.v1 `claim`, `documents`), for the review queue. */
export class StandingForgeryCaseClaims1765100200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE standing_forgery_case ADD COLUMN claimed_by text, ADD COLUMN claimed_at timestamptz, ADD COLUMN documents jsonb NOT NULL DEFAULT '[]'::jsonb, ADD COLUMN submitted_at timestamptz`);
    // When the remediation came under review: a claim changes the case (and its updated_at) later.
    await queryRunner.query(`UPDATE standing_forgery_case SET submitted_at = updated_at WHERE status = 'REMEDIATION_SUBMITTED'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE standing_forgery_case DROP COLUMN claimed_by, DROP COLUMN claimed_at, DROP COLUMN documents, DROP COLUMN submitted_at');
  }
}
