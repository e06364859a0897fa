import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The idempotent-consumer inbox and the transactional outbox, created in every service schema.
 * Tables are unqualified: the service's connections put its own schema first on the search_path.
 */
export class InboxOutbox1763856000000 implements MigrationInterface {
  name = 'InboxOutbox1763856000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE processed_event (
        event_id     text PRIMARY KEY,
        topic        text NOT NULL,
        outcome      text NOT NULL CHECK (outcome IN ('APPLIED', 'DEAD_LETTERED')),
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE outbox_message (
        id           bigserial PRIMARY KEY,
        topic        text NOT NULL,
        message_key  text NOT NULL,
        value        text NOT NULL,
        headers      jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX outbox_message_unpublished ON outbox_message (id) WHERE published_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE outbox_message');
    await queryRunner.query('DROP TABLE processed_event');
  }
}
