import { channelsFor, formatFen, renderTemplate, webhookRetryDelayMs, WEBHOOK_RETRY_POLICY } from './notification-plan';

describe('notification plan (section 8)', () => {
  it('always uses the inbox and adds each channel the contact allows', () => {
    expect(channelsFor(undefined)).toEqual(['INBOX']);
    expect(channelsFor({ webhookUrl: 'https://m.example/hook' })).toEqual(['INBOX', 'WEBHOOK']);
    expect(channelsFor({ email: 'a@b.example', phone: '+8613800000000', webhookUrl: 'https://m.example/hook' })).toEqual(['INBOX', 'EMAIL', 'SMS', 'WEBHOOK']);
  });

  it('backs webhook retries off exponentially up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => webhookRetryDelayMs(n))).toEqual([1000, 2000, 4000, 8000]);
    expect(webhookRetryDelayMs(20)).toBe(WEBHOOK_RETRY_POLICY.maxDelayMs);
    expect(webhookRetryDelayMs(2, { maxAttempts: 3, baseDelayMs: 100, factor: 3, maxDelayMs: 250 })).toBe(250);
  });

  it('renders a template in Chinese and English, leaving a missing placeholder visible', () => {
    const params = { violationId: 'v-1', track: 'SERIOUS', points: 12, naturalYear: 2023, general: 0, serious: 12 };
    expect(renderTemplate('penalty.assessed.v1', 'en', params).body).toBe('Violation v-1 was assessed: 12 SERIOUS point(s). Totals for 2023: general 0, serious 12.');
    expect(renderTemplate('penalty.assessed.v1', 'zh-CN', params).title).toBe('违规扣分通知');
    expect(renderTemplate('sanction.lifted.v1', 'en', { sanctionId: 's-1' }).body).toContain('{reason}');
    expect(() => renderTemplate('unknown.v1', 'en', {})).toThrow('no notification template');
  });

  it('renders a deadline reminder with the deadline named in the merchant\'s language', () => {
    const params = { what: 'appeal window', reference: 'sanction s-1', deadline: '2026-12-08T10:00:00+08:00' };
    expect(renderTemplate('deadline.reminder', 'en', params)).toEqual({
      key: 'deadline-reminder',
      title: 'Deadline reminder',
      body: 'Reminder: the appeal window for sanction s-1 closes at 2026-12-08T10:00:00+08:00.',
    });
    expect(renderTemplate('deadline.reminder', 'zh-CN', { ...params, what: '申诉期', reference: '处罚 s-1' }).body).toBe('提醒：处罚 s-1 的申诉期将于 2026-12-08T10:00:00+08:00 截止。');
  });

  it('formats fen as yuan', () => {
    expect(formatFen(2_000_000)).toBe('¥20,000.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(-150)).toBe('-¥1.50');
  });
});
