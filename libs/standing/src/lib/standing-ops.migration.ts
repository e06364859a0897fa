import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the ops dashboard counts sanctions by (cause, ladder node), and each merchant's points decisions for its timeline. */
export class StandingOps1763900700000 implements MigrationInterface {
  name = 'StandingOps1763900700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE standing_sanction ADD COLUMN kind text, ADD COLUMN node integer');
    await queryRunner.query('CREATE INDEX standing_sanction_decided ON standing_sanction (decided_at)');
    // Every points decision, in order: the merchant timeline on the dashboard.
    await queryRunner.query(`
      CREATE TABLE standing_penalty_event (
        event_id     text PRIMARY KEY,
        merchant_id  text NOT NULL,
        type         text NOT NULL,
        violation_id text NOT NULL,
        track        text NOT NULL,
        points       integer NOT NULL,
        waiver       text,
        natural_year integer NOT NULL,
        at           timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX standing_penalty_event_merchant ON standing_penalty_event (merchant_id, at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE standing_penalty_event');
    await queryRunner.query('DROP INDEX standing_sanction_decided');
    await queryRunner.query('ALTER TABLE standing_sanction DROP COLUMN kind, DROP COLUMN node');
  }
}

/**
 * The track of a ladder sanction's node: rule data may give the GENERAL track a ladder of its own, and
 * its node 12 is not the SERIOUS node 12 (the dashboard counts sanctions by node). Null for other
 * causes, and for ladder sanctions projected before (all SERIOUS then, as the only track with a ladder).
 */
export class StandingSanctionTrack1764800200000 implements MigrationInterface {
  name = 'StandingSanctionTrack1764800200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE standing_sanction ADD COLUMN track text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE standing_sanction DROP COLUMN track');
  }
}
