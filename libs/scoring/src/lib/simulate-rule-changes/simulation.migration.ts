import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Simulations of a draft rulebook version over stored violations (rulebook section 9.2): requested, run in the background, kept with their report. */
export class ScoringSimulations1764900400000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE simulation_run (
        run_id        uuid PRIMARY KEY,
        marketplace   text NOT NULL,
        draft_version text NOT NULL,
        rule_data     jsonb NOT NULL,
        period_from   timestamptz NOT NULL,
        period_to     timestamptz NOT NULL,
        requested_by  text NOT NULL,
        requested_at  timestamptz NOT NULL,
        status        text NOT NULL,
        progress      real NOT NULL DEFAULT 0,
        heartbeat_at  timestamptz,
        finished_at   timestamptz,
        report        jsonb,
        error         text
      )`);
    await queryRunner.query(`CREATE INDEX simulation_run_open ON simulation_run (requested_at) WHERE status IN ('QUEUED', 'RUNNING')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE simulation_run');
  }
}
