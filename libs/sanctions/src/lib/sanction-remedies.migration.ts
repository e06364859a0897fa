import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deposits kept as a ledger of balances (paid on entry, payments, refunds, fines), revocable sanctions,
 * and qualification-forgery cases.
 */
export class SanctionRemedies1763900300000 implements MigrationInterface {
  name = 'SanctionRemedies1763900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE merchant_account
        ADD COLUMN initial_fen   bigint,
        ADD COLUMN refunds_fen   bigint NOT NULL DEFAULT 0,
        ADD COLUMN top_up_due_at timestamptz`);
    // Until now the deposit was taken as paid in full on entry.
    await queryRunner.query('UPDATE merchant_account SET initial_fen = required_fen WHERE required_fen IS NOT NULL');
    await queryRunner.query(`
      CREATE TABLE deposit_payment (
        payment_id  text PRIMARY KEY,
        merchant_id text NOT NULL,
        amount_fen  bigint NOT NULL CHECK (amount_fen > 0),
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      ALTER TABLE sanction
        ADD COLUMN revoked_at        timestamptz,
        ADD COLUMN revoke_reason     text,
        ADD COLUMN fine_refunded_fen bigint NOT NULL DEFAULT 0`);
    await queryRunner.query(`
      CREATE TABLE forgery_case (
        case_id               uuid PRIMARY KEY,
        merchant_id           text NOT NULL,
        violation_id          text NOT NULL UNIQUE,
        case_number           integer NOT NULL,
        severity              text NOT NULL,
        rule_version          text NOT NULL,
        status                text NOT NULL,
        opened_at             timestamptz NOT NULL,
        remediation_closes_at timestamptz,
        documents             jsonb NOT NULL DEFAULT '[]'::jsonb,
        sanction_ids          jsonb NOT NULL DEFAULT '[]'::jsonb,
        updated_at            timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX forgery_case_merchant ON forgery_case (merchant_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE forgery_case');
    await queryRunner.query('ALTER TABLE sanction DROP COLUMN revoked_at, DROP COLUMN revoke_reason, DROP COLUMN fine_refunded_fen');
    await queryRunner.query('DROP TABLE deposit_payment');
    await queryRunner.query('ALTER TABLE merchant_account DROP COLUMN initial_fen, DROP COLUMN refunds_fen, DROP COLUMN top_up_due_at');
  }
}
