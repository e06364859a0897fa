import { buildCloudEvent, EventTypes } from '@penalty/contracts';
import { deadlineOfDecision, reminderInstants } from './deadline-of-decision';

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
    expect(deadlineOfDecision(sanctionImposed)).toEqual({ kind: 'APPEAL_WINDOW', closesAt: new Date('2026-12-08T10:00:00+08:00'), reference: 's-1', referenceKind: 'SANCTION' });
  });

  it('a penalty that counts points can be appealed for 15 natural days; one that counts none opens no window', () => {
    expect(deadlineOfDecision(penalty(3))).toEqual({ kind: 'APPEAL_WINDOW', closesAt: new Date('2026-12-08T10:00:00+08:00'), reference: 'v-1', referenceKind: 'VIOLATION' });
    expect(deadlineOfDecision(penalty(0))).toBeNull();
  });

  it('reminds a week and a day before, skipping reminders already past', () => {
    const deadline = deadlineOfDecision(sanctionImposed)!;
    expect(reminderInstants(deadline, new Date('2026-11-23T10:00:00+08:00'))).toEqual([
      { leadDays: 7, at: new Date('2026-12-01T10:00:00+08:00') },
      { leadDays: 1, at: new Date('2026-12-07T10:00:00+08:00') },
    ]);
    expect(reminderInstants(deadline, new Date('2026-12-03T00:00:00+08:00'))).toEqual([{ leadDays: 1, at: new Date('2026-12-07T10:00:00+08:00') }]);
    expect(reminderInstants(deadline, new Date('2026-12-07T10:00:00+08:00'))).toEqual([]);
  });
});
