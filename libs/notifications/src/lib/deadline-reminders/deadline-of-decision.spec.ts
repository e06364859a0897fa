import { buildCloudEvent, EventTypes, goldenFixture, type CloudEvent } from '@penalty/contracts';
import { applyRuleOverrides, RuleBook, RULE_SETS } from '@penalty/domain';
import { reminderGroup, deadlinesOf as deadlinesUnder, reminderInstants, reminderKey, reminderTasksOf } from './deadline-of-decision';

const rules = new RuleBook();
const deadlinesOf = (event: CloudEvent<object>) => deadlinesUnder(event, rules);

const sanctionImposed = buildCloudEvent({
  type: EventTypes.SanctionImposedV1,
  source: 'sanction-service',
  subject: 'm-1',
  time: '2026-11-23T10:00:00+08:00',
  data: { sanctionId: 's-1', merchantId: 'm-1', cause: { kind: 'LADDER_NODE', node: 12, naturalYear: 2026, violationIds: ['v-1'] }, measures: [], fine: null, ruleVersion: '2022-06-27', appealDeadline: '2026-12-08T10:00:00+08:00' },
});
const penalty = (points: number) =>
  buildCloudEvent({
    type: EventTypes.PenaltyAssessedV1,
    source: 'scoring-service',
    subject: 'm-1',
    time: '2026-11-23T10:00:00+08:00',
    data: { assessmentId: 'a-1', violationId: 'v-1', merchantId: 'm-1', track: 'GENERAL', points, waiver: points ? null : 'SELF_CHECK', naturalYear: 2026, totals: { general: points, serious: 0 }, ruleVersion: '2022-06-27' },
  });

describe('deadlines of decisions and their reminders', () => {
  it('a sanction states its appeal deadline', () => {
    expect(deadlinesOf(sanctionImposed)).toEqual({ open: [{ kind: 'APPEAL_WINDOW', closesAt: new Date('2026-12-08T10:00:00+08:00'), reference: 's-1', referenceKind: 'SANCTION', scope: 's-1' }], close: [] });
  });

  it('a penalty that counts points can be appealed for 15 natural days; one that counts none opens no window', () => {
    expect(deadlinesOf(penalty(3)).open).toEqual([{ kind: 'APPEAL_WINDOW', closesAt: new Date('2026-12-08T10:00:00+08:00'), reference: 'v-1', referenceKind: 'VIOLATION', scope: 'v-1' }]);
    expect(deadlinesOf(penalty(0))).toEqual({ open: [], close: [] });
  });

  it("a penalty's window follows the deployment's rule overrides", () => {
    const longer = new RuleBook(applyRuleOverrides(RULE_SETS, { appealWindowDays: 20 }));
    expect(deadlinesUnder(penalty(3), longer).open[0].closesAt).toEqual(new Date('2026-12-13T10:00:00+08:00'));
  });

  it("refuses a penalty naming a rule version the deployment does not know, rather than using today's window", () => {
    const unknown = { ...penalty(3), data: { ...penalty(3).data, ruleVersion: '2031-01-01' } };
    expect(() => deadlinesOf(unknown)).toThrow(expect.objectContaining({ code: 'RULES.UNKNOWN_VERSION', retriable: false }));
  });

  it('reminds a week and a day before, skipping reminders already past', () => {
    const [deadline] = deadlinesOf(sanctionImposed).open;
    expect(reminderInstants(deadline, new Date('2026-11-23T10:00:00+08:00'))).toEqual([
      { leadDays: 7, at: new Date('2026-12-01T10:00:00+08:00') },
      { leadDays: 1, at: new Date('2026-12-07T10:00:00+08:00') },
    ]);
    expect(reminderInstants(deadline, new Date('2026-12-03T00:00:00+08:00'))).toEqual([{ leadDays: 1, at: new Date('2026-12-07T10:00:00+08:00') }]);
    expect(reminderInstants(deadline, new Date('2026-12-07T10:00:00+08:00'))).toEqual([]);
  });

  const remedy = (type: Parameters<typeof goldenFixture>[0], data: Record<string, unknown> = {}) => {
    const golden = goldenFixture(type);
    return { ...golden, data: { ...golden.data, ...data } } as CloudEvent<object>;
  };

  it('a rejected appeal closes the first window and opens the second; filing or acceptance only closes', () => {
    expect(deadlinesOf(remedy(EventTypes.AppealUpdatedV1))).toEqual({
      open: [{ kind: 'APPEAL_WINDOW', closesAt: new Date('2023-08-25T11:00:00+08:00'), reference: 'sn-20230810-0001', referenceKind: 'SANCTION', scope: 'sn-20230810-0001', reopening: 'round-2' }],
      close: [{ kind: 'APPEAL_WINDOW', scope: 'sn-20230810-0001' }],
    });
    for (const status of ['PENDING', 'ACCEPTED']) {
      expect(deadlinesOf(remedy(EventTypes.AppealUpdatedV1, { status, rejectionReason: null, secondAppealClosesAt: null }))).toEqual({ open: [], close: [{ kind: 'APPEAL_WINDOW', scope: 'sn-20230810-0001' }] });
    }
    const onPenalty = deadlinesOf(remedy(EventTypes.AppealUpdatedV1, { subject: { kind: 'PENALTY', id: 'v-9' } }));
    expect(onPenalty.open[0]).toMatchObject({ reference: 'v-9', referenceKind: 'VIOLATION' });
  });

  it('an exam offer opens the choice deadline of its violation; using or ending the chance closes it', () => {
    expect(deadlinesOf(remedy(EventTypes.ExamChanceUpdatedV1)).open).toEqual([
      { kind: 'EXAM_CHOICE', closesAt: new Date('2023-10-16T12:00:00+08:00'), reference: 'v-20231001-0002', referenceKind: 'VIOLATION', scope: 'ec-2023-m-10001' },
    ]);
    expect(deadlinesOf(remedy(EventTypes.ExamChanceUpdatedV1, { offer: null }))).toEqual({ open: [], close: [] });
    for (const status of ['CHOSEN', 'PASSED', 'FAILED', 'REFUSED', 'VOIDED']) {
      expect(deadlinesOf(remedy(EventTypes.ExamChanceUpdatedV1, { status, offer: null }))).toEqual({ open: [], close: [{ kind: 'EXAM_CHOICE', scope: 'ec-2023-m-10001' }] });
    }
  });

  it('a deposit shortfall opens the top-up deadline; a deposit back in order closes it', () => {
    expect(deadlinesOf(remedy(EventTypes.DepositUpdatedV1)).open).toEqual([
      { kind: 'DEPOSIT_TOP_UP', closesAt: new Date('2023-08-25T11:00:00+08:00'), reference: 'm-10001', referenceKind: 'DEPOSIT', scope: 'm-10001' },
    ]);
    expect(deadlinesOf(remedy(EventTypes.DepositUpdatedV1, { topUpDueAt: null, shortfallFen: 0 }))).toEqual({ open: [], close: [{ kind: 'DEPOSIT_TOP_UP', scope: 'm-10001' }] });
  });

  it('an open forgery case has a remediation deadline until it is closed', () => {
    for (const status of ['OPEN', 'REMEDIATION_SUBMITTED']) {
      expect(deadlinesOf(remedy(EventTypes.ForgeryCaseUpdatedV1, { status })).open).toEqual([
        { kind: 'FORGERY_REMEDIATION', closesAt: new Date('2023-03-16T10:00:00+08:00'), reference: 'fc-20230301-0001', referenceKind: 'FORGERY_CASE', scope: 'fc-20230301-0001' },
      ]);
    }
    for (const status of ['REMEDIED', 'UNREMEDIED', 'CLEARED_OUT', 'REVOKED']) {
      expect(deadlinesOf(remedy(EventTypes.ForgeryCaseUpdatedV1, { status }))).toEqual({ open: [], close: [{ kind: 'FORGERY_REMEDIATION', scope: 'fc-20230301-0001' }] });
    }
  });

  it("keys a second appeal's window apart from the first's even when both close at the same instant, and cancels both by scope", () => {
    const first = deadlinesOf(sanctionImposed).open[0];
    const second = deadlinesOf(remedy(EventTypes.AppealUpdatedV1, { subject: { kind: 'SANCTION', id: 's-1' }, secondAppealClosesAt: '2026-12-08T10:00:00+08:00' })).open[0];
    expect(second.closesAt).toEqual(first.closesAt);
    expect(reminderKey(first, 'm-1', 7)).toBe('APPEAL_WINDOW/m-1/s-1/2026-12-08T02:00:00.000Z/7d');
    expect(reminderKey(second, 'm-1', 7)).toBe('APPEAL_WINDOW/m-1/s-1/2026-12-08T02:00:00.000Z/round-2/7d');
    for (const deadline of [first, second]) expect(reminderKey(deadline, 'm-1', 1).startsWith(reminderGroup({ kind: 'APPEAL_WINDOW', scope: 's-1' }, 'm-1'))).toBe(true);
  });

  it('keys a reminder by deadline, instant and lead; a closed deadline cancels by kind and scope', () => {
    const [deadline] = deadlinesOf(remedy(EventTypes.DepositUpdatedV1)).open;
    expect(reminderKey(deadline, 'm-10001', 7)).toBe('DEPOSIT_TOP_UP/m-10001/m-10001/2023-08-25T03:00:00.000Z/7d');
    expect(reminderKey(deadline, 'm-10001', 7).startsWith(reminderGroup({ kind: 'DEPOSIT_TOP_UP', scope: 'm-10001' }, 'm-10001'))).toBe(true);
    expect(reminderKey(deadline, 'm-10001', 7).startsWith(reminderGroup({ kind: 'DEPOSIT_TOP_UP', scope: 'm-1000' }, 'm-10001'))).toBe(false);
  });

  it("keys reminders apart across merchants and ids holding '/': one merchant's closed deadline never cancels another's reminders", () => {
    const [deadline] = deadlinesOf(sanctionImposed).open;
    // The same scope (e.g. a violation id two detecting systems both used) under two merchants.
    expect(reminderKey(deadline, 'm-1', 7)).not.toBe(reminderKey(deadline, 'm-2', 7));
    expect(reminderKey(deadline, 'm-2', 7).startsWith(reminderGroup({ kind: 'APPEAL_WINDOW', scope: 's-1' }, 'm-1'))).toBe(false);
    // Merchant m and merchant m/x; scope v and scope v/x of one merchant.
    const topUp = (merchantId: string) => ({ kind: 'DEPOSIT_TOP_UP' as const, closesAt: new Date('2026-12-08T10:00:00+08:00'), reference: merchantId, referenceKind: 'DEPOSIT' as const, scope: merchantId });
    expect(reminderKey(topUp('m/x'), 'm/x', 7)).toBe('DEPOSIT_TOP_UP/m%2Fx/m%2Fx/2026-12-08T02:00:00.000Z/7d');
    expect(reminderKey(topUp('m/x'), 'm/x', 7).startsWith(reminderGroup({ kind: 'DEPOSIT_TOP_UP', scope: 'm' }, 'm'))).toBe(false);
    const window = (scope: string) => ({ kind: 'APPEAL_WINDOW' as const, closesAt: new Date('2026-12-08T10:00:00+08:00'), reference: scope, referenceKind: 'VIOLATION' as const, scope });
    expect(reminderKey(window('v/x'), 'm-1', 7).startsWith(reminderGroup({ kind: 'APPEAL_WINDOW', scope: 'v' }, 'm-1'))).toBe(false);
    expect(reminderKey(window('v/x'), 'm-1', 7).startsWith(reminderGroup({ kind: 'APPEAL_WINDOW', scope: 'v/x' }, 'm-1'))).toBe(true);
  });

  it('makes a reminder task per reminder still ahead, keyed by deadline and lead, carrying what the reminder says', () => {
    const [deadline] = deadlinesOf(sanctionImposed).open;
    expect(reminderTasksOf(deadline, 'm-1', new Date('2026-12-03T00:00:00+08:00'))).toEqual([
      {
        kind: 'DEADLINE_REMINDER',
        key: 'APPEAL_WINDOW/m-1/s-1/2026-12-08T02:00:00.000Z/1d',
        group: 'APPEAL_WINDOW/m-1/s-1/',
        merchantId: 'm-1',
        dueAt: new Date('2026-12-07T10:00:00+08:00'),
        payload: { deadlineKind: 'APPEAL_WINDOW', closesAt: '2026-12-08T02:00:00.000Z', reference: 's-1', referenceKind: 'SANCTION', leadDays: 1 },
      },
    ]);
  });
});
