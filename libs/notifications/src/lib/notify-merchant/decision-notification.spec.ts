import { buildCloudEvent, EventTypes, goldenFixture, type PenaltyAssessedV1, type SanctionImposedV1, type SanctionLiftedV1 } from '@penalty/contracts';
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

  describe('remedies (sections 4 to 7): a template per state', () => {
    const remedy = (type: Parameters<typeof goldenFixture>[0], data: Record<string, unknown> = {}) => {
      const golden = goldenFixture(type).data as Record<string, unknown>;
      return event(type, { ...golden, ...data });
    };
    it.each([
      [EventTypes.AppealUpdatedV1, { status: 'PENDING', rejectionReason: null, secondAppealClosesAt: null }, 'appeal-filed'],
      [EventTypes.AppealUpdatedV1, { status: 'ACCEPTED', rejectionReason: null, secondAppealClosesAt: null }, 'appeal-accepted'],
      [EventTypes.AppealUpdatedV1, {}, 'appeal-rejected'],
      [EventTypes.AppealUpdatedV1, { round: 2, secondAppealClosesAt: null }, 'appeal-rejected'],
      [EventTypes.ExamChanceUpdatedV1, { offer: null }, 'exam-chance-granted'],
      [EventTypes.ExamChanceUpdatedV1, {}, 'exam-chance-offer'],
      [EventTypes.ExamChanceUpdatedV1, { status: 'CHOSEN', offer: null, violationId: 'v-2' }, 'exam-chance-chosen'],
      [EventTypes.ExamChanceUpdatedV1, { status: 'PASSED', offer: null, violationId: 'v-2' }, 'exam-passed'],
      [EventTypes.ExamChanceUpdatedV1, { status: 'FAILED', offer: null, violationId: 'v-2' }, 'exam-failed'],
      [EventTypes.ExamChanceUpdatedV1, { status: 'REFUSED', offer: null, reason: 'harmed buyers' }, 'exam-chance-refused'],
      [EventTypes.ExamChanceUpdatedV1, { status: 'VOIDED', offer: null, reason: 'abused' }, 'exam-chance-voided'],
      [EventTypes.ExamChanceUpdatedV1, { status: 'EXPIRED', offer: null }, 'exam-chance-expired'],
      [EventTypes.DepositUpdatedV1, {}, 'deposit-shortfall'],
      [EventTypes.DepositUpdatedV1, { change: { kind: 'TOP_UP_OVERDUE', amountFen: 0, reference: null } }, 'deposit-overdue'],
      [EventTypes.DepositUpdatedV1, { shortfallFen: 0, topUpDueAt: null, balanceFen: 10_000_000, change: { kind: 'PAYMENT', amountFen: 2_000_000, reference: 'p-1' } }, 'deposit-updated'],
      [EventTypes.DepositUpdatedV1, { requiredFen: null, shortfallFen: 0, topUpDueAt: null, change: { kind: 'REQUIREMENT', amountFen: 0, reference: null } }, 'deposit-updated'],
      [EventTypes.ForgeryCaseUpdatedV1, {}, 'forgery-case-opened'],
      [EventTypes.ForgeryCaseUpdatedV1, { status: 'REMEDIATION_SUBMITTED' }, 'forgery-remediation-submitted'],
      [EventTypes.ForgeryCaseUpdatedV1, { status: 'REMEDIED' }, 'forgery-remedied'],
      [EventTypes.ForgeryCaseUpdatedV1, { status: 'UNREMEDIED' }, 'forgery-unremedied'],
      [EventTypes.ForgeryCaseUpdatedV1, { status: 'CLEARED_OUT', remediationClosesAt: null }, 'forgery-cleared-out'],
      [EventTypes.ForgeryCaseUpdatedV1, { status: 'REVOKED' }, 'forgery-case-revoked'],
    ] as const)('%s %j uses template %s with every placeholder filled in both locales', (type, data, template) => {
      for (const locale of ['zh-CN', 'en']) {
        const plan = planDecisionNotification(remedy(type, data), { locale }, ALL);
        expect(plan.template).toBe(template);
        expect(`${plan.title} ${plan.body}`).not.toMatch(/[{}]/);
      }
    });

    it('tells a rejected appeal its reason and the second appeal deadline, and that a second rejection is final', () => {
      const first = planDecisionNotification(remedy(EventTypes.AppealUpdatedV1), { locale: 'en' }, ALL).body;
      expect(first).toBe('Your appeal (round 1) against sanction sn-20230810-0001 was rejected: MATERIALS_INCOMPLETE. You may appeal once more until 2023-08-25T11:00:00+08:00.');
      expect(planDecisionNotification(remedy(EventTypes.AppealUpdatedV1, { round: 2, secondAppealClosesAt: null }), { locale: 'en' }, ALL).body).toContain('No further appeal is possible.');
    });

    it('tells a deposit shortfall in yuan with the fine that caused it and the top-up deadline', () => {
      expect(planDecisionNotification(remedy(EventTypes.DepositUpdatedV1), { locale: 'en' }, ALL).body).toBe(
        'A fine of ¥20,000.00 was charged. Deposit balance ¥80,000.00 of ¥100,000.00 required: ¥20,000.00 short. Top up by 2023-08-25T11:00:00+08:00, or the store is put under supervision.',
      );
      expect(planDecisionNotification(remedy(EventTypes.DepositUpdatedV1), null, ALL).body).toBe(
        '扣除罚款 ¥20,000.00。保证金余额 ¥80,000.00，应缴 ¥100,000.00，差额 ¥20,000.00。请于 2023-08-25T11:00:00+08:00 前补缴，逾期店铺将被监管。',
      );
    });

    it('tells an exam offer the violation and the last day to choose', () => {
      expect(planDecisionNotification(remedy(EventTypes.ExamChanceUpdatedV1), { locale: 'zh-CN' }, ALL).body).toBe(
        '违规 v-20231001-0002 可使用以考代罚机会免除扣分，请于 2023-10-16T12:00:00+08:00 前选择。',
      );
    });
  });

  it('refuses an event that is not a decision', () => {
    expect(() => planDecisionNotification(event(EventTypes.NotificationSentV1, {}), null, ALL)).toThrow(/not a decision/);
  });
});
