import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who changed what, when and why: one row per state change made by a person or a system's command. */
export class AuditTrail1763857200000 implements MigrationInterface {
  name = 'AuditTrail1763857200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_entry (
        id           bigserial PRIMARY KEY,
        occurred_at  timestamptz NOT NULL,
        actor        text NOT NULL,
        action       text NOT NULL,
        merchant_id  text NOT NULL,
        subject_type text NOT NULL,
        subject_id   text NOT NULL,
        reason       text NOT NULL,
        details      jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await queryRunner.query(`CREATE INDEX audit_entry_merchant ON audit_entry (merchant_id, occurred_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_entry');
  }
}
