import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NotificationChannel } from '@penalty/domain';
import { ProblemException } from '@penalty/runtime';
import type { InboxPageDto, NotificationPageDto, NotificationRowStatus } from './notification-list.dto';
import type { NotificationListRequest } from './notification-list.request';

interface NotificationRow {
  notification_id: string;
  channel: NotificationChannel;
  template: string;
  title: string;
  body: string;
  cause_event_id: string;
  cause_type: string;
  status: NotificationRowStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const iso = (at: Date | null): string | null => (at ? at.toISOString() : null);

/** The merchant-facing reads: one merchant's notifications, newest first, keyset-paginated. */
@Injectable()
export class NotificationReads {
  constructor(private readonly dataSource: DataSource) {}

  async inbox(request: NotificationListRequest): Promise<InboxPageDto> {
    const rows = await this.page(request, 'INBOX');
    return {
      merchantId: request.merchantId,
      items: rows.map((r) => ({ notificationId: r.notification_id, template: r.template, title: r.title, body: r.body, causeEventId: r.cause_event_id, createdAt: r.created_at.toISOString() })),
      nextBefore: nextBefore(rows, request.limit),
    };
  }

  async all(request: NotificationListRequest): Promise<NotificationPageDto> {
    const rows = await this.page(request);
    return {
      merchantId: request.merchantId,
      items: rows.map((r) => ({
        notificationId: r.notification_id,
        channel: r.channel,
        template: r.template,
        title: r.title,
        causeEventId: r.cause_event_id,
        causeType: r.cause_type,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.status === 'PENDING' ? iso(r.next_attempt_at) : null,
        lastError: r.last_error,
        createdAt: r.created_at.toISOString(),
        deliveredAt: iso(r.delivered_at),
      })),
      nextBefore: nextBefore(rows, request.limit),
    };
  }

  private async page({ merchantId, limit, start }: NotificationListRequest, channel?: NotificationChannel): Promise<NotificationRow[]> {
    const params: unknown[] = [merchantId, limit];
    const where = ['merchant_id = $1'];
    if (channel) where.push(`channel = $${params.push(channel)}`);
    if (start?.kind === 'time') where.push(`created_at < $${params.push(start.before)}`);
    if (start?.kind === 'cursor') {
      const [cursor]: { created_at: Date }[] = await this.dataSource.query(
        'SELECT created_at FROM notification WHERE notification_id = $1 AND merchant_id = $2',
        [start.notificationId, merchantId],
      );
      if (!cursor) throw ProblemException.validation([{ field: 'before', message: 'before names no notification of this merchant' }]);
      // Ties on created_at (one decision, several channels) are broken by the id, as in ORDER BY.
      where.push(`(created_at, notification_id) < ($${params.push(cursor.created_at)}, $${params.push(start.notificationId)}::uuid)`);
    }
    return this.dataSource.query(
      `SELECT notification_id, channel, template, title, body, cause_event_id, cause_type, status, attempts, next_attempt_at,
              last_error, created_at, delivered_at
         FROM notification WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, notification_id DESC LIMIT $2`,
      params,
    );
  }
}

function nextBefore(rows: NotificationRow[], limit: number): string | null {
  return rows.length === limit ? rows[rows.length - 1].notification_id : null;
}
