import { ProblemException } from '@penalty/runtime';
import { parseNotificationListRequest, parseNotificationTableRequest } from './notification-list.request';

function problemsOf(run: () => unknown): { field: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    expect((error as ProblemException).status).toBe(400);
    return (error as ProblemException).errors ?? [];
  }
  throw new Error('expected a validation problem');
}

describe('parseNotificationListRequest', () => {
  it('defaults to the first page of 20', () => {
    expect(parseNotificationListRequest('m-1', {})).toEqual({ merchantId: 'm-1', limit: 20, start: undefined });
  });

  it('reads limit and a date-time cursor', () => {
    const request = parseNotificationListRequest('m-1', { limit: '5', before: '2023-06-25T10:00:00+08:00' });
    expect(request.limit).toBe(5);
    expect(request.start).toEqual({ kind: 'time', before: new Date('2023-06-25T02:00:00Z') });
  });

  it('reads a notificationId cursor', () => {
    const id = '0B9A6C3E-5F1D-4E8A-9C2B-7D4E1F0A6B35';
    expect(parseNotificationListRequest('m-1', { before: id }).start).toEqual({ kind: 'cursor', notificationId: id.toLowerCase() });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: '2.5' }, 'limit'],
    [{ before: 'yesterday' }, 'before'],
    [{ before: '2023-06-25T10:00:00' }, 'before'],
    [{ before: ['a', 'b'] }, 'before'],
  ])('refuses %p', (query, field) => {
    expect(problemsOf(() => parseNotificationListRequest('m-1', query)).map((p) => p.field)).toEqual([field]);
  });

  it('names every invalid field at once', () => {
    const fields = problemsOf(() => parseNotificationListRequest('m'.repeat(65), { limit: '-1', before: 'x' })).map((p) => p.field);
    expect(fields.sort()).toEqual(['before', 'limit', 'merchantId']);
  });
});

describe('parseNotificationTableRequest', () => {
  it('defaults to newest first from the start, every channel and status', () => {
    expect(parseNotificationTableRequest('m-1', {})).toEqual({ merchantId: 'm-1', limit: 20, start: undefined, channel: undefined, status: undefined, sort: 'createdAt', order: 'desc', offset: 0 });
  });

  it('reads filters, a sort (names A to Z, attempts most first by default) and an offset', () => {
    expect(parseNotificationTableRequest('m-1', { channel: 'EMAIL', status: 'FAILED', sort: 'template', offset: '40', limit: '20' })).toMatchObject({ channel: 'EMAIL', status: 'FAILED', sort: 'template', order: 'asc', offset: 40, limit: 20 });
    expect(parseNotificationTableRequest('m-1', { sort: 'attempts' }).order).toBe('desc');
    expect(parseNotificationTableRequest('m-1', { sort: 'channel', order: 'desc' }).order).toBe('desc');
  });

  it('keeps the cursor for the newest-first order and refuses it with another', () => {
    const id = '0b9a6c3e-5f1d-4e8a-9c2b-7d4e1f0a6b35';
    expect(parseNotificationTableRequest('m-1', { before: id, sort: 'createdAt', order: 'desc' }).start).toEqual({ kind: 'cursor', notificationId: id });
    expect(problemsOf(() => parseNotificationTableRequest('m-1', { before: id, sort: 'createdAt', order: 'asc' })).map((p) => p.field)).toEqual(['before']);
    expect(problemsOf(() => parseNotificationTableRequest('m-1', { before: id, sort: 'status' })).map((p) => p.field)).toEqual(['before']);
  });

  it('names every invalid field', () => {
    expect(problemsOf(() => parseNotificationTableRequest('m-1', { sort: 'title', order: 'up', channel: 'FAX', status: 'LOST', offset: '-1' })).map((p) => p.field).sort())
      .toEqual(['channel', 'offset', 'order', 'sort', 'status']);
  });
});
