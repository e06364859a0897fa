import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the ops dashboard counts sanctions by: their cause and ladder node. */
export class StandingOps1763900700000 implements MigrationInterface {
  name = 'StandingOps1763900700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE standing_sanction ADD COLUMN kind text, ADD COLUMN node integer');
    await queryRunner.query('CREATE INDEX standing_sanction_decided ON standing_sanction (decided_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX standing_sanction_decided');
    await queryRunner.query('ALTER TABLE standing_sanction DROP COLUMN kind, DROP COLUMN node');
  }
}
