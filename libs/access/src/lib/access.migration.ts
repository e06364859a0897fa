import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Local operator accounts (the embedded sign-in) and the API keys of platform systems. */
export class AccessTables1763900600000 implements MigrationInterface {
  name = 'AccessTables1763900600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE operator_account (
        username      text PRIMARY KEY,
        password_hash text NOT NULL,
        roles         text[] NOT NULL,
        created_at    timestamptz NOT NULL,
        disabled_at   timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE api_key (
        key_id      text PRIMARY KEY,
        name        text NOT NULL,
        secret_hash text NOT NULL,
        scopes      text[] NOT NULL,
        created_by  text NOT NULL,
        created_at  timestamptz NOT NULL,
        revoked_at  timestamptz,
        revoked_by  text
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE api_key');
    await queryRunner.query('DROP TABLE operator_account');
  }
}

/**
 * An operator's roles may be for some marketplaces only (rulebook section 9: a reviewer of
 * tmall-global decides no tmall case). NULL: every marketplace, as every account was before.
 */
export class OperatorMarketplaces1765000300000 implements MigrationInterface {
  name = 'OperatorMarketplaces1765000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE operator_account ADD COLUMN marketplaces text[]');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE operator_account DROP COLUMN marketplaces');
  }
}
