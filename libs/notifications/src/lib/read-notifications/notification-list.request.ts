import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isRfc3339DateTime, MERCHANT_ID_MAX_LENGTH } from '@penalty/contracts';
import { ProblemException, type FieldProblem } from '@penalty/runtime';
import { DEFAULT_PAGE_SIZE, NotificationListQuery } from './notification-list.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a page starts: strictly older than an instant, or strictly after a notification in newest-first order. */
export type PageStart = { kind: 'time'; before: Date } | { kind: 'cursor'; notificationId: string };

export interface NotificationListRequest {
  merchantId: string;
  limit: number;
  start?: PageStart;
}

/** Validates the path and query of a list endpoint; throws a 400 problem naming each invalid field. */
export function parseNotificationListRequest(merchantId: string, query: Record<string, unknown>): NotificationListRequest {
  const problems: FieldProblem[] = [];
  if (merchantId.length < 1 || merchantId.length > MERCHANT_ID_MAX_LENGTH) {
    problems.push({ field: 'merchantId', message: `merchantId must be 1 to ${MERCHANT_ID_MAX_LENGTH} characters` });
  }
  const parsed = plainToInstance(NotificationListQuery, query);
  for (const error of validateSync(parsed)) {
    problems.push({ field: error.property, message: Object.values(error.constraints ?? {}).join('; ') });
  }
  let start: PageStart | undefined;
  if (typeof parsed.before === 'string' && !problems.some((p) => p.field === 'before')) {
    if (UUID.test(parsed.before)) start = { kind: 'cursor', notificationId: parsed.before.toLowerCase() };
    else if (isRfc3339DateTime(parsed.before)) start = { kind: 'time', before: new Date(parsed.before) };
    else problems.push({ field: 'before', message: 'before must be an RFC 3339 date-time with offset or a notificationId' });
  }
  if (problems.length > 0) throw ProblemException.validation(problems);
  return { merchantId, limit: parsed.limit ?? DEFAULT_PAGE_SIZE, start };
}
