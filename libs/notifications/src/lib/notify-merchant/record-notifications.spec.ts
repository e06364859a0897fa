import { notificationRowsOf } from './record-notifications';

describe('notificationRowsOf', () => {
  it('writes the inbox copy DELIVERED with one attempt, and every other channel PENDING, due now', () => {
    const now = new Date('2026-11-23T02:00:00Z');
    const rows = notificationRowsOf(
      { merchantId: 'm-1', channels: ['INBOX', 'EMAIL', 'WEBHOOK'], template: 'penalty-assessed', title: 't', body: 'b', causeEventId: 'e-1', causeType: 'penalty.assessed.v1', payload: '{"id":"e-1"}' },
      now,
    );
    expect(rows.map((r) => [r.channel, r.status, r.attempts, r.nextAttemptAt, r.deliveredAt])).toEqual([
      ['INBOX', 'DELIVERED', 1, null, now],
      ['EMAIL', 'PENDING', 0, now, null],
      ['WEBHOOK', 'PENDING', 0, now, null],
    ]);
    expect(rows.every((r) => r.createdAt === now && r.causeEventId === 'e-1' && r.merchantId === 'm-1')).toBe(true);
  });

  it('keeps the cause event only on the webhook row, which posts it', () => {
    const rows = notificationRowsOf(
      { merchantId: 'm-1', channels: ['INBOX', 'SMS', 'WEBHOOK'], template: 'penalty-assessed', title: 't', body: 'b', causeEventId: 'e-1', causeType: 'penalty.assessed.v1', payload: '{"id":"e-1"}' },
      new Date('2026-11-23T02:00:00Z'),
    );
    expect(rows.map((r) => [r.channel, r.payload])).toEqual([['INBOX', null], ['SMS', null], ['WEBHOOK', '{"id":"e-1"}']]);
  });
});
