import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Assessed violations and the per-merchant, per-natural-year point totals. */
export class ScoringTables1763856100000 implements MigrationInterface {
  name = 'ScoringTables1763856100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE violation (
        violation_id  text PRIMARY KEY,
        assessment_id uuid NOT NULL UNIQUE,
        event_id      text NOT NULL,
        merchant_id   text NOT NULL,
        code          text NOT NULL,
        scenario      text,
        severity      text NOT NULL,
        occurred_at   timestamptz NOT NULL,
        natural_year  integer NOT NULL,
        track         text NOT NULL CHECK (track IN ('GENERAL', 'SERIOUS')),
        base_points   integer NOT NULL CHECK (base_points >= 0),
        points        integer NOT NULL CHECK (points >= 0),
        waiver        text,
        rule_version  text NOT NULL,
        item_action   text NOT NULL,
        item_ids      jsonb NOT NULL,
        detected_by   text NOT NULL,
        assessed_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX violation_merchant_year_scenario ON violation (merchant_id, natural_year, scenario)`);
    await queryRunner.query(`
      CREATE TABLE merchant_year_points (
        merchant_id  text NOT NULL,
        natural_year integer NOT NULL,
        general      integer NOT NULL DEFAULT 0 CHECK (general >= 0),
        serious      integer NOT NULL DEFAULT 0 CHECK (serious >= 0),
        PRIMARY KEY (merchant_id, natural_year)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE merchant_year_points');
    await queryRunner.query('DROP TABLE violation');
  }
}

/**
 * Which rulebook judged each violation (rulebook section 9): its marketplace and the content hash of
 * the version applied; and the decision as made (points, waiver, the year's totals after it), which
 * later adjustments do not change, so that it can be explained and reproduced. Rows from before are
 * the deployment's default marketplace; their hash and decision as made are unknown.
 */
export class ScoringRuleIdentity1764900200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE violation ADD COLUMN marketplace text, ADD COLUMN rule_content_hash text,
      ADD COLUMN assessed_points integer, ADD COLUMN assessed_waiver text, ADD COLUMN general_after integer, ADD COLUMN serious_after integer`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE violation DROP COLUMN marketplace, DROP COLUMN rule_content_hash, DROP COLUMN assessed_points, DROP COLUMN assessed_waiver, DROP COLUMN general_after, DROP COLUMN serious_after');
  }
}

/**
 * The evidence a violation came with (kind, URI, SHA-256 of each item, as the event carried them), so
 * that a reviewer sees what the detecting system saw. Rows from before have none kept (null).
 */
export class ScoringViolationEvidence1765100400000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE violation ADD COLUMN evidence jsonb');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE violation DROP COLUMN evidence');
  }
}
