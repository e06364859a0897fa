import { buildCloudEvent, EventTypes, type PenaltyAssessedV1, type SanctionImposedV1, type SanctionLiftedV1 } from '@penalty/contracts';
import { deliverableChannels } from '../notification.config';
import { planDecisionNotification } from './decision-notification';

const penalty: PenaltyAssessedV1 = {
  assessmentId: 'a-1',
  violationId: 'v-1',
  merchantId: 'm-1',
  track: 'SERIOUS',
  points: 12,
  waiver: null,
  naturalYear: 2023,
  totals: { general: 3, serious: 12 },
  ruleVersion: '2022-06-27',
};
const imposed: SanctionImposedV1 = {
  sanctionId: 's-1',
  merchantId: 'm-1',
  cause: { kind: 'LADDER_NODE', node: 12, naturalYear: 2023, violationIds: ['v-1'] },
  measures: [
    { type: 'STORE_SHIELDING', startsAt: '2023-06-25T10:00:00+08:00', endsAt: '2023-07-02T10:00:00+08:00' },
    { type: 'PUBLIC_WARNING', startsAt: '2023-06-25T10:00:00+08:00', endsAt: null },
  ],
  fine: { amountFen: 2_000_000, currency: 'CNY' },
  ruleVersion: '2022-06-27',
  appealDeadline: '2023-07-10T10:00:00+08:00',
};
const lifted: SanctionLiftedV1 = { sanctionId: 's-1', merchantId: 'm-1', measureTypes: ['STORE_SHIELDING'], reason: 'EXPIRED', liftedAt: '2023-07-02T10:00:00+08:00' };

const event = (type: (typeof EventTypes)[keyof typeof EventTypes], data: object) => buildCloudEvent({ type, source: 'test', subject: 'm-1', data });

const ALL = deliverableChannels({ SMTP_URL: 'smtp://mail.example:25' });

describe('planDecisionNotification', () => {
  describe('channels', () => {
    it('is the inbox alone for a merchant with no profile yet', () => {
      expect(planDecisionNotification(event(EventTypes.PenaltyAssessedV1, penalty), null, ALL).channels).toEqual(['INBOX']);
    });

    it('adds the webhook when the merchant registered one', () => {
      const contact = { webhookUrl: 'https://merchant.example/hooks' };
      expect(planDecisionNotification(event(EventTypes.PenaltyAssessedV1, penalty), contact, ALL).channels).toEqual(['INBOX', 'WEBHOOK']);
    });

    it('makes no notification on a channel the service cannot deliver (no SMTP server, no SMS provider)', () => {
      const contact = { email: 'ops@merchant.example', phone: '+8613800000000', webhookUrl: null };
      expect(planDecisionNotification(event(EventTypes.SanctionImposedV1, imposed), contact, deliverableChannels({})).channels).toEqual(['INBOX']);
    });

    it('adds e-mail when the contact has an address and an SMTP server is configured', () => {
      const contact = { email: 'ops@merchant.example', phone: '+8613800000000', webhookUrl: 'https://merchant.example/hooks' };
      expect(planDecisionNotification(event(EventTypes.SanctionImposedV1, imposed), contact, deliverableChannels({ SMTP_URL: 'smtp://mail.example:25' })).channels).toEqual(['INBOX', 'EMAIL', 'WEBHOOK']);
    });
  });

  describe('templates', () => {
    it.each([
      [EventTypes.PenaltyAssessedV1, penalty, 'penalty-assessed'],
      [EventTypes.PenaltyAdjustedV1, { ...penalty, points: 0, waiver: 'EXAM' }, 'penalty-adjusted'],
      [EventTypes.SanctionImposedV1, imposed, 'sanction-imposed'],
      [EventTypes.SanctionLiftedV1, lifted, 'sanction-lifted'],
    ] as const)('%s uses template %s with every placeholder filled', (type, data, template) => {
      for (const locale of ['zh-CN', 'en']) {
        const plan = planDecisionNotification(event(type, data), { locale }, ALL);
        expect(plan.template).toBe(template);
        expect(plan.title).not.toMatch(/\{\w+\}/);
        expect(plan.body).not.toMatch(/\{\w+\}/);
      }
    });

    it('writes in Chinese unless the merchant chose another supported locale', () => {
      expect(planDecisionNotification(event(EventTypes.PenaltyAssessedV1, penalty), null, ALL).title).toBe('违规扣分通知');
      expect(planDecisionNotification(event(EventTypes.PenaltyAssessedV1, penalty), { locale: 'fr' }, ALL).title).toBe('违规扣分通知');
      expect(planDecisionNotification(event(EventTypes.PenaltyAssessedV1, penalty), { locale: 'en' }, ALL).title).toBe('Penalty points assessed');
    });

    it('tells the points, the track and the year totals', () => {
      const { body } = planDecisionNotification(event(EventTypes.PenaltyAssessedV1, penalty), { locale: 'en' }, ALL);
      expect(body).toBe('Violation v-1 was assessed: 12 SERIOUS point(s). Totals for 2023: general 3, serious 12.');
    });

    it('tells the measures with their end, the fine in yuan and the appeal deadline', () => {
      const { body } = planDecisionNotification(event(EventTypes.SanctionImposedV1, imposed), { locale: 'en' }, ALL);
      expect(body).toContain('STORE_SHIELDING until 2023-07-02T10:00:00+08:00, PUBLIC_WARNING');
      expect(body).toContain('Fine: ¥20,000.00');
      expect(body).toContain('Appeal by 2023-07-10T10:00:00+08:00');
    });

    it('says "none" for a missing fine or waiver rather than leaving a placeholder', () => {
      expect(planDecisionNotification(event(EventTypes.SanctionImposedV1, { ...imposed, fine: null }), { locale: 'en' }, ALL).body).toContain('Fine: none');
      expect(planDecisionNotification(event(EventTypes.PenaltyAdjustedV1, penalty), { locale: 'en' }, ALL).body).toContain('(none)');
    });
  });

  it('refuses an event that is not a decision', () => {
    expect(() => planDecisionNotification(event(EventTypes.NotificationSentV1, {}), null, ALL)).toThrow(/not a decision/);
  });
});
