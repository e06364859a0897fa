import { notificationRowsOf } from './record-notifications';

describe('notificationRowsOf', () => {
  it('writes the inbox copy DELIVERED with one attempt, and every other channel PENDING, due now', () => {
    const now = new Date('2026-11-23T02:00:00Z');
    const rows = notificationRowsOf(
      { merchantId: 'm-1', channels: ['INBOX', 'EMAIL', 'WEBHOOK'], template: 'penalty-assessed', title: 't', body: 'b', causeEventId: 'e-1', causeType: 'penalty.assessed.v1', payload: '{}' },
      now,
    );
    expect(rows.map((r) => [r.channel, r.status, r.attempts, r.nextAttemptAt, r.deliveredAt])).toEqual([
      ['INBOX', 'DELIVERED', 1, null, now],
      ['EMAIL', 'PENDING', 0, now, null],
      ['WEBHOOK', 'PENDING', 0, now, null],
    ]);
    expect(rows.every((r) => r.createdAt === now && r.causeEventId === 'e-1' && r.merchantId === 'm-1')).toBe(true);
  });
});
