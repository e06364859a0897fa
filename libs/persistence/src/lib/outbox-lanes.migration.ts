import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox as a queue of lanes: a message's lane is the partition of its key; rows are deleted once
 * published (no published_at kept). Rows from before this migration get lane -1, which the sweeper
 * drains like any other. outbox_refused keeps what the broker refused for the message itself.
 */
export class OutboxLanes1764600000000 implements MigrationInterface {
  name = 'OutboxLanes1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM outbox_message WHERE published_at IS NOT NULL');
    await queryRunner.query('DROP INDEX outbox_message_unpublished');
    await queryRunner.query('ALTER TABLE outbox_message DROP COLUMN published_at, ADD COLUMN lane integer NOT NULL DEFAULT -1');
    await queryRunner.query('ALTER TABLE outbox_message ALTER COLUMN lane DROP DEFAULT');
    await queryRunner.query('CREATE INDEX outbox_message_lane ON outbox_message (lane, id)');
    await queryRunner.query(`
      CREATE TABLE outbox_refused (
        id          bigserial PRIMARY KEY,
        topic       text NOT NULL,
        message_key text NOT NULL,
        value       text NOT NULL,
        headers     jsonb NOT NULL,
        error       text NOT NULL,
        refused_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE outbox_refused');
    await queryRunner.query('DROP INDEX outbox_message_lane');
    await queryRunner.query('ALTER TABLE outbox_message DROP COLUMN lane, ADD COLUMN published_at timestamptz');
    await queryRunner.query('CREATE INDEX outbox_message_unpublished ON outbox_message (id) WHERE published_at IS NULL');
  }
}
