import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every dead letter of every topic, for the dashboard to browse and replay. */
export class DeadLetters1763900800000 implements MigrationInterface {
  name = 'DeadLetters1763900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dead_letter (
        topic        text NOT NULL,
        partition    integer NOT NULL,
        "offset"     bigint NOT NULL,
        message_key  text,
        value        text NOT NULL,
        headers      jsonb NOT NULL,
        reason       text NOT NULL,
        message      text NOT NULL,
        source_topic text NOT NULL,
        dead_at      timestamptz NOT NULL,
        replayed_at  timestamptz,
        replayed_by  text,
        PRIMARY KEY (topic, partition, "offset")
      )`);
    await queryRunner.query('CREATE INDEX dead_letter_dead_at ON dead_letter (dead_at DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE dead_letter');
  }
}
