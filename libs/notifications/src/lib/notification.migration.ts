import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Merchant contact details (from merchant.profile.updated.v1) and one row per notification and channel.
 * Tables are unqualified: the service's connections put the `notification` schema first on the search_path.
 */
export class NotificationTables1763856300000 implements MigrationInterface {
  name = 'NotificationTables1763856300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE merchant_contact (
        merchant_id text PRIMARY KEY,
        email       text,
        phone       text,
        webhook_url text,
        locale      text NOT NULL DEFAULT 'zh-CN',
        updated_at  timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE notification (
        notification_id uuid PRIMARY KEY,
        merchant_id     text NOT NULL,
        channel         text NOT NULL CHECK (channel IN ('INBOX', 'EMAIL', 'SMS', 'WEBHOOK')),
        template        text NOT NULL,
        cause_event_id  text NOT NULL,
        cause_type      text NOT NULL,
        title           text NOT NULL,
        body            text NOT NULL,
        payload         text NOT NULL,
        status          text NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz,
        lease_until     timestamptz,
        last_error      text,
        created_at      timestamptz NOT NULL,
        delivered_at    timestamptz,
        UNIQUE (cause_event_id, channel)
      )`);
    // The delivery worker's claim: pending webhook rows in due order.
    await queryRunner.query(
      `CREATE INDEX notification_webhook_due ON notification (next_attempt_at) WHERE status = 'PENDING' AND channel = 'WEBHOOK'`,
    );
    // The HTTP reads: one merchant's notifications newest first (keyset on created_at, notification_id).
    await queryRunner.query(`CREATE INDEX notification_merchant_recent ON notification (merchant_id, created_at DESC, notification_id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE notification');
    await queryRunner.query('DROP TABLE merchant_contact');
  }
}

/**
 * The delivery worker claims PENDING rows of every external channel (WEBHOOK, EMAIL, SMS) in due order
 * and sleeps until the next one can be claimed: one partial index over the pending rows serves both
 * (the webhook-only index left e-mail and SMS claims scanning the whole table).
 */
export class NotificationPendingDue1764700000000 implements MigrationInterface {
  name = 'NotificationPendingDue1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX notification_pending_due ON notification (next_attempt_at) WHERE status = 'PENDING'`);
    await queryRunner.query('DROP INDEX notification_webhook_due');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX notification_webhook_due ON notification (next_attempt_at) WHERE status = 'PENDING' AND channel = 'WEBHOOK'`);
    await queryRunner.query('DROP INDEX notification_pending_due');
  }
}

const escapedPart = (sql: string) => `replace(replace(${sql}, '%', '%25'), '/', '%2F')`;
const unescapedPart = (sql: string) => `replace(replace(${sql}, '%2F', '/'), '%25', '%')`;

/**
 * Reminder keys name their merchant and escape their parts (reminderKey: kind/merchant/scope/closesAt/
 * [reopening/]lead, each part's '%' and '/' escaped), so that no merchant's closed deadline cancels
 * another's reminders and no reminder is skipped because another merchant's holds its key. Keys written
 * before were kind/scope/closesAt/[reopening/]lead with the scope as is; they are rewritten, the scope
 * being everything between the kind and the closing instant (the parts after it have a fixed shape).
 */
export class NotificationReminderKeys1764800000000 implements MigrationInterface {
  name = 'NotificationReminderKeys1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE scheduled_task t SET task_key = k.m[1] || '/' || ${escapedPart('t.merchant_id')} || '/' || ${escapedPart('k.m[2]')} || '/' || k.m[3]
      FROM (
        SELECT id, regexp_match(task_key, '^([A-Z_]+)/(.*)/([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z/(?:round-[0-9]+/)?[0-9]+d)$') AS m
        FROM scheduled_task WHERE kind = 'DEADLINE_REMINDER'
      ) k
      WHERE t.id = k.id AND k.m IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE scheduled_task t SET task_key = k.m[1] || '/' || ${unescapedPart('k.m[2]')} || '/' || k.m[3]
      FROM (SELECT id, regexp_match(task_key, '^([A-Z_]+)/[^/]*/([^/]*)/(.*)$') AS m FROM scheduled_task WHERE kind = 'DEADLINE_REMINDER') k
      WHERE t.id = k.id AND k.m IS NOT NULL`);
  }
}

/**
 * Reminders are cancelled by group (reminderGroup: kind/merchant/scope/, the first three parts of
 * their keys, each escaped so that it holds no '/'): open reminders written before the group existed
 * get theirs from their keys. Runs after ScheduledTaskCancelGroups added the column.
 */
export class NotificationReminderGroups1765000100000 implements MigrationInterface {
  name = 'NotificationReminderGroups1765000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE scheduled_task SET cancel_group = substring(task_key from '^((?:[^/]*/){3})')
      WHERE kind = 'DEADLINE_REMINDER' AND cancel_group IS NULL AND done_at IS NULL AND cancelled_at IS NULL`);
  }

  async down(): Promise<void> {
    // The column goes with ScheduledTaskCancelGroups' down.
  }
}

/**
 * The cause event's bytes are what a webhook receives: only WEBHOOK rows keep them (an inbox, email or
 * SMS row carries its title and body), so a burst no longer writes every event again per channel.
 * A WEBHOOK row must have them: the check holds for new rows at once and is then validated over the
 * rows written before (all of which have them), without blocking writes meanwhile.
 */
export class NotificationPayloadOfWebhooks1765100300000 implements MigrationInterface {
  name = 'NotificationPayloadOfWebhooks1765100300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE notification ALTER COLUMN payload DROP NOT NULL');
    await queryRunner.query(`ALTER TABLE notification ADD CONSTRAINT notification_webhook_payload CHECK (channel <> 'WEBHOOK' OR payload IS NOT NULL) NOT VALID`);
    await queryRunner.query('ALTER TABLE notification VALIDATE CONSTRAINT notification_webhook_payload');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE notification DROP CONSTRAINT notification_webhook_payload');
    await queryRunner.query(`UPDATE notification SET payload = '' WHERE payload IS NULL`);
    await queryRunner.query('ALTER TABLE notification ALTER COLUMN payload SET NOT NULL');
  }
}

/** The notification service's own migrations, in order. */
export const NOTIFICATION_MIGRATIONS = [
  NotificationTables1763856300000,
  NotificationPendingDue1764700000000,
  NotificationReminderKeys1764800000000,
  NotificationReminderGroups1765000100000,
  NotificationPayloadOfWebhooks1765100300000,
];
