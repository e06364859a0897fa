import { deliverableChannels } from '../notification.config';
import { deadlineReminderMessage } from './send-deadline-reminder.handler';

describe('deadlineReminderMessage', () => {
  const task = {
    kind: 'DEADLINE_REMINDER',
    key: 'APPEAL_WINDOW/s-1/2026-12-08T02:00:00.000Z/7d',
    merchantId: 'm-1',
    payload: { deadlineKind: 'APPEAL_WINDOW', closesAt: '2026-12-08T02:00:00.000Z', reference: 's-1', referenceKind: 'SANCTION', leadDays: 7 },
  };
  const now = new Date('2026-12-01T02:00:00Z');

  it('names the deadline in the merchant\'s locale and goes on the channels of the contact the service can deliver', () => {
    const message = deadlineReminderMessage(task, { email: 'a@m.example', webhookUrl: 'https://m.example/hooks', locale: 'en' }, now, deliverableChannels({}));
    expect(message).toMatchObject({
      merchantId: 'm-1',
      channels: ['INBOX', 'WEBHOOK'],
      template: 'deadline-reminder',
      body: 'Reminder: the appeal window for sanction s-1 closes at 2026-12-08T10:00:00+08:00.',
      causeEventId: 'reminder:DEADLINE_REMINDER/APPEAL_WINDOW/s-1/2026-12-08T02:00:00.000Z/7d',
      causeType: 'deadline.reminder.v1',
    });
    expect(deadlineReminderMessage(task, null, now, deliverableChannels({})).body).toBe('提醒：处罚 s-1 的申诉期将于 2026-12-08T10:00:00+08:00 截止。');
  });

  it('gives webhooks a deadline.reminder.v1 CloudEvent', () => {
    expect(JSON.parse(deadlineReminderMessage(task, null, now, deliverableChannels({})).payload)).toEqual({
      specversion: '1.0',
      id: 'reminder:DEADLINE_REMINDER/APPEAL_WINDOW/s-1/2026-12-08T02:00:00.000Z/7d',
      source: 'notification-service',
      type: 'deadline.reminder.v1',
      time: '2026-12-01T10:00:00+08:00',
      subject: 'm-1',
      datacontenttype: 'application/json',
      data: { merchantId: 'm-1', deadlineKind: 'APPEAL_WINDOW', reference: 's-1', referenceKind: 'SANCTION', closesAt: '2026-12-08T10:00:00+08:00', leadDays: 7 },
    });
  });
});
