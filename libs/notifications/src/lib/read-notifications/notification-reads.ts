import { Injectable } from '@nestjs/common';
import { ProblemException, totalOfPage } from '@penalty/runtime';
import { NotificationRepository, type NotificationRow, type NotificationView } from '../notification.repository';
import type { InboxPageDto, NotificationPageDto } from './notification-list.dto';
import type { NotificationListRequest, NotificationTableRequest } from './notification-list.request';

const iso = (at: Date | null): string | null => (at ? at.toISOString() : null);

/** The merchant-facing reads: one merchant's notifications, newest first, keyset-paginated. */
@Injectable()
export class NotificationReads {
  constructor(private readonly notifications: NotificationRepository) {}

  async inbox(request: NotificationListRequest): Promise<InboxPageDto> {
    const rows = await this.page(request, { channel: 'INBOX' });
    return {
      merchantId: request.merchantId,
      items: rows.map((r) => ({ notificationId: r.notification_id, template: r.template, title: r.title, body: r.body, causeEventId: r.cause_event_id, createdAt: r.created_at.toISOString() })),
      nextBefore: nextBefore(rows, request.limit),
    };
  }

  async all(request: NotificationTableRequest): Promise<NotificationPageDto> {
    const { channel, status, sort, order, offset } = request;
    const rows = await this.page(request, { channel, status, sort, order, offset });
    // A page past the end has no rows to carry the total: it is counted alone.
    const total = await totalOfPage(rows, offset, async () => (await this.page({ ...request, limit: 1 }, { channel, status }))[0]?.total ?? 0);
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
      // The cursor pages the newest-first order; another sort pages by offset.
      nextBefore: sort === 'createdAt' && order === 'desc' ? nextBefore(rows, request.limit) : null,
      total,
      limit: request.limit,
      offset,
    };
  }

  private async page({ merchantId, limit, start }: NotificationListRequest, view: NotificationView): Promise<(NotificationRow & { total: number })[]> {
    const rows = await this.notifications.page(merchantId, limit, start, view);
    if (!rows) throw ProblemException.validation([{ field: 'before', message: 'before names no notification of this merchant' }]);
    return rows;
  }
}

function nextBefore(rows: NotificationRow[], limit: number): string | null {
  return rows.length === limit ? rows[rows.length - 1].notification_id : null;
}
