import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NotificationChannel } from '@penalty/domain';
import type { Tx } from '@penalty/messaging';
import { NotificationIds } from './notification-id';
import { orderByClause, type SortOrder } from '@penalty/runtime';
import type { NotificationSort } from './read-notifications/notification-list.dto';
import type { PageStart } from './read-notifications/notification-list.request';

export type NotificationStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** Which of a merchant's notifications a page shows and in what order (the default: every one, newest first). */
export interface NotificationView {
  channel?: NotificationChannel;
  status?: NotificationStatus;
  sort?: NotificationSort;
  order?: SortOrder;
  offset?: number;
}

const NOTIFICATION_SORT_COLUMNS: Record<NotificationSort, string> = {
  createdAt: 'created_at',
  channel: 'channel',
  template: 'template',
  status: 'status',
  attempts: 'attempts',
};

/** A notification row to write (its id is made when it is written). */
export interface NotificationToWrite {
  merchantId: string;
  channel: NotificationChannel;
  template: string;
  causeEventId: string;
  causeType: string;
  title: string;
  body: string;
  /** The cause event as published: what a webhook receives (null on the other channels). */
  payload: string | null;
  status: 'PENDING' | 'DELIVERED';
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** A row that was new when written. */
export interface WrittenNotification extends NotificationToWrite {
  notificationId: string;
}

/** A row claimed for delivery (WEBHOOK, EMAIL or SMS), with its lease. */
export interface ClaimedNotification {
  notification_id: string;
  merchant_id: string;
  channel: 'WEBHOOK' | 'EMAIL' | 'SMS';
  template: string;
  title: string;
  body: string;
  cause_event_id: string;
  /** Set on WEBHOOK rows (notification_webhook_payload), null on the others. */
  payload: string | null;
  attempts: number;
  lease_until: Date;
}

/** A row as the merchant-facing reads show it. */
export interface NotificationRow {
  notification_id: string;
  channel: NotificationChannel;
  template: string;
  title: string;
  body: string;
  cause_event_id: string;
  cause_type: string;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

/**
 * The only SQL of the notification table: one row per message and channel, identified by
 * (cause_event_id, channel) so a repeated cause writes nothing; the delivery worker's claims and
 * outcomes; the merchant-facing pages.
 */
@Injectable()
export class NotificationRepository {
  private readonly ids = new NotificationIds();

  constructor(private readonly dataSource: DataSource) {}

  /** Writes the rows in one statement; answers those that were new, in the order given. */
  async insertNew(tx: Tx, rows: readonly NotificationToWrite[]): Promise<WrittenNotification[]> {
    if (rows.length === 0) return [];
    const written = rows.map((row) => ({ ...row, notificationId: this.ids.next(row.createdAt) }));
    const inserted = await tx.query<{ notification_id: string }>(
      `INSERT INTO notification (notification_id, merchant_id, channel, template, cause_event_id, cause_type, title, body, payload,
                                 status, attempts, next_attempt_at, created_at, delivered_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                            $10::text[], $11::int[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[])
       ON CONFLICT (cause_event_id, channel) DO NOTHING
       RETURNING notification_id`,
      [
        written.map((r) => r.notificationId),
        written.map((r) => r.merchantId),
        written.map((r) => r.channel),
        written.map((r) => r.template),
        written.map((r) => r.causeEventId),
        written.map((r) => r.causeType),
        written.map((r) => r.title),
        written.map((r) => r.body),
        written.map((r) => r.payload),
        written.map((r) => r.status),
        written.map((r) => r.attempts),
        written.map((r) => r.nextAttemptAt),
        written.map((r) => r.createdAt),
        written.map((r) => r.deliveredAt),
      ],
    );
    const fresh = new Set(inserted.map((r) => r.notification_id));
    return written.filter((r) => fresh.has(r.notificationId));
  }

  /** Leases up to `limit` due PENDING rows of `channels` (SKIP LOCKED, so replicas share the work). */
  async claimDue(now: Date, leaseUntil: Date, limit: number, channels: readonly string[]): Promise<ClaimedNotification[]> {
    // A top-level SELECT, so the driver answers the rows (an UPDATE … RETURNING answers [rows, count]).
    return this.dataSource.query(
      `WITH claimed AS (
         UPDATE notification SET lease_until = $2
          WHERE notification_id IN (
            SELECT notification_id FROM notification
             WHERE status = 'PENDING' AND channel = ANY($4::text[]) AND next_attempt_at <= $1
               AND (lease_until IS NULL OR lease_until < $1)
             ORDER BY next_attempt_at
             LIMIT $3
             FOR UPDATE SKIP LOCKED)
         RETURNING notification_id, merchant_id, channel, template, title, body, cause_event_id, payload, attempts, lease_until)
       SELECT * FROM claimed`,
      [now, leaseUntil, limit, channels],
    );
  }

  /**
   * When the next PENDING row of `channels` can be claimed: its next attempt, or the end of the lease
   * someone holds on it. Null when none is pending.
   */
  async nextClaimableAt(channels: readonly string[]): Promise<Date | null> {
    const [{ next }]: { next: Date | null }[] = await this.dataSource.query(
      `SELECT min(greatest(next_attempt_at, lease_until)) AS next FROM notification WHERE status = 'PENDING' AND channel = ANY($1::text[])`,
      [channels],
    );
    return next ? new Date(next) : null;
  }

  /**
   * Records an attempt that will be retried, if the lease still holds (if it ran out and another
   * worker took the row, that worker records instead).
   */
  async recordRetry(tx: Tx, row: ClaimedNotification, attempts: number, nextAttemptAt: Date, error: string | null): Promise<void> {
    await tx.query(
      `UPDATE notification SET attempts = $3, next_attempt_at = $4, lease_until = NULL, last_error = $5
        WHERE notification_id = $1 AND status = 'PENDING' AND lease_until = $2`,
      [row.notification_id, row.lease_until, attempts, nextAttemptAt, error],
    );
  }

  /** Records a final outcome under the same guard; answers whether it was recorded. */
  async recordFinal(tx: Tx, row: ClaimedNotification, status: 'DELIVERED' | 'FAILED', attempts: number, error: string | null, deliveredAt: Date | null): Promise<boolean> {
    const updated = await tx.query(
      `UPDATE notification SET status = $3, attempts = $4, lease_until = NULL, last_error = $5, delivered_at = $6
        WHERE notification_id = $1 AND status = 'PENDING' AND lease_until = $2
       RETURNING notification_id`,
      [row.notification_id, row.lease_until, status, attempts, error, deliveredAt],
    );
    return updated.length > 0;
  }

  /**
   * One merchant's notifications (filtered by channel and status, or all), newest first unless sorted,
   * `limit` of them from `start` and `offset`, each row with the total (count(*) OVER ()); undefined when
   * the cursor names no notification of the merchant.
   */
  async page(merchantId: string, limit: number, start: PageStart | undefined, view: NotificationView = {}): Promise<(NotificationRow & { total: number })[] | undefined> {
    const params: unknown[] = [merchantId];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const where = ['merchant_id = $1'];
    if (view.channel) where.push(`channel = ${bind(view.channel)}`);
    if (view.status) where.push(`status = ${bind(view.status)}`);
    if (start?.kind === 'time') where.push(`created_at < ${bind(start.before)}`);
    if (start?.kind === 'cursor') {
      const [cursor]: { created_at: Date }[] = await this.dataSource.query(
        'SELECT created_at FROM notification WHERE notification_id = $1 AND merchant_id = $2',
        [start.notificationId, merchantId],
      );
      if (!cursor) return undefined;
      // Ties on created_at (one batch, several channels) are broken by the id, as in ORDER BY.
      where.push(`(created_at, notification_id) < (${bind(cursor.created_at)}, ${bind(start.notificationId)}::uuid)`);
    }
    const orderBy = orderByClause(NOTIFICATION_SORT_COLUMNS, view.sort ?? 'createdAt', view.order ?? 'desc', ['created_at DESC', 'notification_id DESC']);
    return this.dataSource.query(
      `SELECT notification_id, channel, template, title, body, cause_event_id, cause_type, status, attempts, next_attempt_at,
              last_error, created_at, delivered_at, count(*) OVER ()::int AS total
         FROM notification WHERE ${where.join(' AND ')}
        ${orderBy} LIMIT ${bind(limit)} OFFSET ${bind(view.offset ?? 0)}`,
      params,
    );
  }
}
