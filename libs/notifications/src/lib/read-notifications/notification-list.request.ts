import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isRfc3339DateTime, MERCHANT_ID_MAX_LENGTH } from '@penalty/contracts';
import { ProblemException, type FieldProblem } from '@penalty/runtime';
import type { NotificationChannel } from '@penalty/domain';
import type { SortOrder } from '@penalty/runtime';
import { DEFAULT_PAGE_SIZE, NotificationListQuery, NotificationTableQuery, type NotificationRowStatus, type NotificationSort } from './notification-list.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a page starts: strictly older than an instant, or strictly after a notification in newest-first order. */
export type PageStart = { kind: 'time'; before: Date } | { kind: 'cursor'; notificationId: string };

export interface NotificationListRequest {
  merchantId: string;
  limit: number;
  start?: PageStart;
}

/** The notifications table's request: the list's, with filters, a sort and an offset. */
export interface NotificationTableRequest extends NotificationListRequest {
  channel?: NotificationChannel;
  status?: NotificationRowStatus;
  sort: NotificationSort;
  order: SortOrder;
  offset: number;
}

/** Validates the path and query of a list endpoint; throws a 400 problem naming each invalid field. */
export function parseNotificationListRequest(merchantId: string, query: Record<string, unknown>): NotificationListRequest {
  const { request, problems } = parseList(NotificationListQuery, merchantId, query);
  if (problems.length > 0) throw ProblemException.validation(problems);
  return request;
}

/** Validates the notifications table's query; `before` pages only the default order (newest first). */
export function parseNotificationTableRequest(merchantId: string, query: Record<string, unknown>): NotificationTableRequest {
  const { request, parsed, problems } = parseList(NotificationTableQuery, merchantId, query);
  const sort = parsed.sort ?? 'createdAt';
  const order = parsed.order ?? (sort === 'createdAt' || sort === 'attempts' ? 'desc' : 'asc');
  if (parsed.before !== undefined && (sort !== 'createdAt' || order !== 'desc')) {
    problems.push({ field: 'before', message: 'before pages the newest-first order only (sort=createdAt, order=desc); use offset with another sort' });
  }
  if (problems.length > 0) throw ProblemException.validation(problems);
  return { ...request, channel: parsed.channel, status: parsed.status, sort, order, offset: parsed.offset ?? 0 };
}

function parseList<Q extends NotificationListQuery>(type: new () => Q, merchantId: string, query: Record<string, unknown>): { request: NotificationListRequest; parsed: Q; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (merchantId.length < 1 || merchantId.length > MERCHANT_ID_MAX_LENGTH) {
    problems.push({ field: 'merchantId', message: `merchantId must be 1 to ${MERCHANT_ID_MAX_LENGTH} characters` });
  }
  const parsed = plainToInstance(type, query);
  for (const error of validateSync(parsed)) {
    problems.push({ field: error.property, message: Object.values(error.constraints ?? {}).join('; ') });
  }
  let start: PageStart | undefined;
  if (typeof parsed.before === 'string' && !problems.some((p) => p.field === 'before')) {
    if (UUID.test(parsed.before)) start = { kind: 'cursor', notificationId: parsed.before.toLowerCase() };
    else if (isRfc3339DateTime(parsed.before)) start = { kind: 'time', before: new Date(parsed.before) };
    else problems.push({ field: 'before', message: 'before must be an RFC 3339 date-time with offset or a notificationId' });
  }
  return { request: { merchantId, limit: parsed.limit ?? DEFAULT_PAGE_SIZE, start }, parsed, problems };
}
