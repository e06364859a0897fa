import { buildCloudEvent, EventTypes, goldenFixture, type CloudEvent, type MerchantProfileUpdatedV1 } from '@penalty/contracts';
import { RuleBook } from '@penalty/domain';
import { deliverableChannels } from '../notification.config';
import { contactOfProfile, type KnownContact } from '../record-contact/merchant-contact';
import { merchantOf, planNotifications, type NotifiableEvent } from './plan-notifications';

const now = new Date('2026-11-23T10:00:00+08:00');
const context = { now, deliverable: deliverableChannels({ SMTP_URL: 'smtp://mail.example:25' }), rules: new RuleBook() };
const item = (event: CloudEvent<object>): NotifiableEvent => ({ event, payload: JSON.stringify(event) });

const profile = (merchantId: string, time: string, contact?: Record<string, string>) =>
  buildCloudEvent({
    type: EventTypes.MerchantProfileUpdatedV1,
    source: 'merchant-center',
    subject: merchantId,
    time,
    data: { merchantId, storeType: 'FLAGSHIP', trademarkStatus: 'R', categories: [], examEligible: false, ...(contact ? { contact } : {}) },
  }) as CloudEvent<MerchantProfileUpdatedV1>;
const imposed = (merchantId: string, sanctionId: string, appealDeadline = '2026-12-08T10:00:00+08:00') =>
  buildCloudEvent({
    type: EventTypes.SanctionImposedV1,
    source: 'sanction-service',
    subject: merchantId,
    time: '2026-11-23T10:00:00+08:00',
    data: { sanctionId, merchantId, cause: { kind: 'LADDER_NODE', track: 'SERIOUS', node: 12, naturalYear: 2026, violationIds: ['v-1'] }, measures: [], fine: null, ruleVersion: '2022-06-27', appealDeadline },
  });
const assessed = (merchantId: string, violationId: string, points: number) =>
  buildCloudEvent({
    type: EventTypes.PenaltyAssessedV1,
    source: 'scoring-service',
    subject: merchantId,
    time: '2026-11-23T10:00:00+08:00',
    data: { assessmentId: `a-${violationId}`, violationId, merchantId, track: 'GENERAL', points, waiver: null, naturalYear: 2026, totals: { general: points, serious: 0 }, ruleVersion: '2022-06-27' },
  });
const appeal = (merchantId: string, sanctionId: string, data: Record<string, unknown>) => {
  const golden = goldenFixture(EventTypes.AppealUpdatedV1);
  return buildCloudEvent({ type: EventTypes.AppealUpdatedV1, source: 'sanction-service', subject: merchantId, time: '2026-11-24T10:00:00+08:00', data: { ...golden.data, merchantId, subject: { kind: 'SANCTION', id: sanctionId }, ...data } });
};
const known = (...contacts: KnownContact[]) => new Map(contacts.map((c) => [c.merchantId, c]));

describe('planNotifications (a batch, in order)', () => {
  it("tells each decision of a merchant in the batch's order, on the channels of its contact", () => {
    const stored = contactOfProfile(profile('m-1', '2026-11-01T09:00:00+08:00', { webhookUrl: 'https://m-1.example/hooks', locale: 'en' }));
    const events = [assessed('m-1', 'v-1', 3), imposed('m-1', 's-1'), assessed('m-2', 'v-2', 3), assessed('m-1', 'v-3', 3)];
    const plan = planNotifications(events.map(item), known(stored), context);
    expect(plan.messages.map((m) => [m.merchantId, m.causeEventId, m.template, m.channels])).toEqual([
      ['m-1', events[0].id, 'penalty-assessed', ['INBOX', 'WEBHOOK']],
      ['m-1', events[1].id, 'sanction-imposed', ['INBOX', 'WEBHOOK']],
      ['m-2', events[2].id, 'penalty-assessed', ['INBOX']],
      ['m-1', events[3].id, 'penalty-assessed', ['INBOX', 'WEBHOOK']],
    ]);
    expect(plan.messages[0].title).toBe('Penalty points assessed');
    expect(plan.messages[2].title).toBe('违规扣分通知');
    // The webhook receives the decision exactly as it was published.
    expect(plan.messages[1]).toMatchObject({ causeType: 'sanction.imposed.v1', payload: JSON.stringify(events[1]) });
    expect(plan.contacts).toEqual([]);
    expect(plan.rejected).toEqual([]);
  });

  it('tells a decision on the contact of the profile before it in the batch, and one before the profile on the old contact', () => {
    const stored = contactOfProfile(profile('m-1', '2026-11-01T09:00:00+08:00', { email: 'old@m-1.example' }));
    const changed = profile('m-1', '2026-11-20T09:00:00+08:00', { phone: '+8613800000000', locale: 'en' });
    const plan = planNotifications([assessed('m-1', 'v-1', 3), changed, assessed('m-1', 'v-2', 3)].map(item), known(stored), context);
    expect(plan.messages.map((m) => [m.channels, m.title])).toEqual([
      [['INBOX', 'EMAIL'], '违规扣分通知'],
      [['INBOX'], 'Penalty points assessed'],
    ]);
    expect(plan.contacts).toEqual([contactOfProfile(changed)]);
  });

  it('keeps the stored contact when a profile of the batch is older than it', () => {
    const stored = contactOfProfile(profile('m-1', '2026-11-20T09:00:00+08:00', { email: 'new@m-1.example' }));
    const plan = planNotifications([profile('m-1', '2026-11-01T09:00:00+08:00'), assessed('m-1', 'v-1', 3)].map(item), known(stored), context);
    expect(plan.messages[0].channels).toEqual(['INBOX', 'EMAIL']);
    expect(plan.contacts).toEqual([]);
  });

  it('rejects an event it cannot notify, alone: the rest of the batch is planned', () => {
    const unknown = buildCloudEvent({ type: EventTypes.NotificationSentV1, source: 'elsewhere', subject: 'm-1', data: {} });
    const events = [assessed('m-1', 'v-1', 3), unknown, imposed('m-1', 's-1')].map(item);
    const plan = planNotifications(events, new Map(), context);
    expect(plan.rejected).toEqual([{ item: events[1], rejection: { code: 'NOTIFICATION.UNKNOWN_CAUSE', message: 'no notification for notification.sent.v1' } }]);
    expect(plan.messages.map((m) => m.template)).toEqual(['penalty-assessed', 'sanction-imposed']);
    expect(plan.reminders.map((r) => r.key)).toEqual([
      'APPEAL_WINDOW/m-1/v-1/2026-12-08T02:00:00.000Z/7d',
      'APPEAL_WINDOW/m-1/v-1/2026-12-08T02:00:00.000Z/1d',
      'APPEAL_WINDOW/m-1/s-1/2026-12-08T02:00:00.000Z/7d',
      'APPEAL_WINDOW/m-1/s-1/2026-12-08T02:00:00.000Z/1d',
    ]);
  });

  it('schedules the reminders of the deadlines a batch opens, once each, and none for a penalty without points', () => {
    const plan = planNotifications([imposed('m-1', 's-1'), imposed('m-1', 's-1'), assessed('m-1', 'v-0', 0)].map(item), new Map(), context);
    expect(plan.reminders).toEqual([
      { kind: 'DEADLINE_REMINDER', key: 'APPEAL_WINDOW/m-1/s-1/2026-12-08T02:00:00.000Z/7d', group: 'APPEAL_WINDOW/m-1/s-1/', merchantId: 'm-1', dueAt: new Date('2026-12-01T10:00:00+08:00'), payload: { deadlineKind: 'APPEAL_WINDOW', closesAt: '2026-12-08T02:00:00.000Z', reference: 's-1', referenceKind: 'SANCTION', leadDays: 7 } },
      { kind: 'DEADLINE_REMINDER', key: 'APPEAL_WINDOW/m-1/s-1/2026-12-08T02:00:00.000Z/1d', group: 'APPEAL_WINDOW/m-1/s-1/', merchantId: 'm-1', dueAt: new Date('2026-12-07T10:00:00+08:00'), payload: { deadlineKind: 'APPEAL_WINDOW', closesAt: '2026-12-08T02:00:00.000Z', reference: 's-1', referenceKind: 'SANCTION', leadDays: 1 } },
    ]);
    expect(plan.closedReminderGroups).toEqual([]);
  });

  it("closes before it opens: a rejected appeal closes the first window's reminders and opens the second's", () => {
    const plan = planNotifications([item(appeal('m-1', 's-1', { status: 'REJECTED', secondAppealClosesAt: '2026-12-20T10:00:00+08:00' }))], new Map(), context);
    expect(plan.closedReminderGroups).toEqual(['APPEAL_WINDOW/m-1/s-1/']);
    expect(plan.reminders.map((r) => r.key)).toEqual(['APPEAL_WINDOW/m-1/s-1/2026-12-20T02:00:00.000Z/round-2/7d', 'APPEAL_WINDOW/m-1/s-1/2026-12-20T02:00:00.000Z/round-2/1d']);
  });

  it('does not schedule reminders a later event of the batch closes, and keeps those opened after the closing', () => {
    const events = [
      imposed('m-1', 's-1'),
      imposed('m-1', 's-2'),
      appeal('m-1', 's-1', { status: 'PENDING', rejectionReason: null, secondAppealClosesAt: null }),
      appeal('m-1', 's-1', { status: 'REJECTED', secondAppealClosesAt: '2026-12-20T10:00:00+08:00' }),
    ];
    const plan = planNotifications(events.map(item), new Map(), context);
    expect(plan.reminders.map((r) => r.key)).toEqual([
      'APPEAL_WINDOW/m-1/s-2/2026-12-08T02:00:00.000Z/7d',
      'APPEAL_WINDOW/m-1/s-2/2026-12-08T02:00:00.000Z/1d',
      'APPEAL_WINDOW/m-1/s-1/2026-12-20T02:00:00.000Z/round-2/7d',
      'APPEAL_WINDOW/m-1/s-1/2026-12-20T02:00:00.000Z/round-2/1d',
    ]);
    expect(plan.closedReminderGroups).toEqual(['APPEAL_WINDOW/m-1/s-1/']);
    expect(plan.messages.map((m) => m.template)).toEqual(['sanction-imposed', 'sanction-imposed', 'appeal-filed', 'appeal-rejected']);
  });

  it("takes a profile's merchant from its data and every other event's from its subject", () => {
    expect(merchantOf(profile('m-9', '2026-11-01T09:00:00+08:00'))).toBe('m-9');
    expect(merchantOf(imposed('m-8', 's-1'))).toBe('m-8');
  });
});
