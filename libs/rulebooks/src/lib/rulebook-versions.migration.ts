import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The store of rulebook versions (rulebook section 9), one row per marketplace and version: the key
 * columns the store queries by, and the whole version (rule data, hash, status, who and when) as the
 * domain's RulebookVersion in `body`.
 */
export class RulebookVersions1764900100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE rulebook_version (
        marketplace    text NOT NULL,
        version_id     text NOT NULL,
        effective_from date NOT NULL,
        status         text NOT NULL,
        content_hash   text NOT NULL,
        body           jsonb NOT NULL,
        updated_at     timestamptz NOT NULL,
        PRIMARY KEY (marketplace, version_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE rulebook_version');
  }
}
