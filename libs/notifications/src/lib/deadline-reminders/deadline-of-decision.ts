import {
  EventTypes, type AppealUpdatedV1, type CloudEvent, type DepositUpdatedV1, type ExamChanceUpdatedV1, type ForgeryCaseUpdatedV1, type PenaltyAssessedV1, type SanctionImposedV1,
} from '@penalty/contracts';
import { addNaturalDays, appealWindowCloses, type RuleBook } from '@penalty/domain';
import { taskKey, taskKeyPrefix, type TaskToSchedule } from '@penalty/messaging';

export type DeadlineKind = 'APPEAL_WINDOW' | 'EXAM_CHOICE' | 'DEPOSIT_TOP_UP' | 'FORGERY_REMEDIATION';

/** A deadline the merchant must be reminded of (rulebook section 8). */
export interface Deadline {
  kind: DeadlineKind;
  closesAt: Date;
  /** What it is about, as the merchant knows it, e.g. the sanction or violation id. */
  reference: string;
  referenceKind: 'SANCTION' | 'VIOLATION' | 'FORGERY_CASE' | 'DEPOSIT';
  /** What the deadline belongs to (reminder keys start with kind/scope/, so they can be cancelled together). */
  scope: string;
  /**
   * Tells apart a deadline that opens again after its reminders were cancelled: a second appeal's
   * window often closes when the first did (the original window unless the grace days after the
   * rejection end later), and its reminders must not share the keys of the first window's.
   */
  reopening?: string;
}

/** Reminders no longer due: every pending one of a kind and scope. */
export interface ClosedDeadline {
  kind: DeadlineKind;
  scope: string;
}

export interface DeadlineChanges {
  open: Deadline[];
  close: ClosedDeadline[];
}

/** The scheduled_task kind of a deadline reminder. */
export const DEADLINE_REMINDER_TASK = 'DEADLINE_REMINDER';

/** Reminders go out a week and a day before a deadline (section 8). */
export const REMINDER_LEAD_DAYS = [7, 1] as const;

const APPEAL_REFERENCE_KINDS = { PENALTY: 'VIOLATION', SANCTION: 'SANCTION', FORGERY_CASE: 'FORGERY_CASE' } as const;
const NONE: DeadlineChanges = { open: [], close: [] };

/**
 * The deadlines a decision opens and the ones it closes: appeal windows of penalties and sanctions
 * (and a second appeal's after a rejection), exam choices offered, deposit top-ups, forgery
 * remediation windows. An appeal filed or decided, a chance used or ended, a deposit topped up or a
 * case closed ends the reminders of the deadline it settles.
 */
export function deadlinesOf(event: CloudEvent<object>, rules: RuleBook): DeadlineChanges {
  switch (event.type) {
    case EventTypes.SanctionImposedV1: {
      const sanction = event.data as SanctionImposedV1;
      return { open: [{ kind: 'APPEAL_WINDOW', closesAt: new Date(sanction.appealDeadline), reference: sanction.sanctionId, referenceKind: 'SANCTION', scope: sanction.sanctionId }], close: [] };
    }
    case EventTypes.PenaltyAssessedV1: {
      const penalty = event.data as PenaltyAssessedV1;
      if (penalty.points === 0) return NONE;
      // The event carries no deadline: the window is the rule version's (with the deployment's overrides), from the decision.
      const decidedAt = new Date(event.time);
      const closesAt = appealWindowCloses(decidedAt, rules.ofVersion(penalty.ruleVersion, penalty.marketplace));
      return { open: [{ kind: 'APPEAL_WINDOW', closesAt, reference: penalty.violationId, referenceKind: 'VIOLATION', scope: penalty.violationId }], close: [] };
    }
    case EventTypes.AppealUpdatedV1: {
      const appeal = event.data as AppealUpdatedV1;
      const close: ClosedDeadline[] = [{ kind: 'APPEAL_WINDOW', scope: appeal.subject.id }];
      if (appeal.status !== 'REJECTED' || !appeal.secondAppealClosesAt) return { open: [], close };
      const second: Deadline = {
        kind: 'APPEAL_WINDOW',
        closesAt: new Date(appeal.secondAppealClosesAt),
        reference: appeal.subject.id,
        referenceKind: APPEAL_REFERENCE_KINDS[appeal.subject.kind],
        scope: appeal.subject.id,
        reopening: `round-${appeal.round + 1}`,
      };
      return { open: [second], close };
    }
    case EventTypes.ExamChanceUpdatedV1: {
      const chance = event.data as ExamChanceUpdatedV1;
      if (chance.status === 'GRANTED' && chance.offer) {
        return { open: [{ kind: 'EXAM_CHOICE', closesAt: new Date(chance.offer.choiceClosesAt), reference: chance.offer.violationId, referenceKind: 'VIOLATION', scope: chance.chanceId }], close: [] };
      }
      return chance.status === 'GRANTED' ? NONE : { open: [], close: [{ kind: 'EXAM_CHOICE', scope: chance.chanceId }] };
    }
    case EventTypes.DepositUpdatedV1: {
      const deposit = event.data as DepositUpdatedV1;
      if (!deposit.topUpDueAt) return { open: [], close: [{ kind: 'DEPOSIT_TOP_UP', scope: deposit.merchantId }] };
      return { open: [{ kind: 'DEPOSIT_TOP_UP', closesAt: new Date(deposit.topUpDueAt), reference: deposit.merchantId, referenceKind: 'DEPOSIT', scope: deposit.merchantId }], close: [] };
    }
    case EventTypes.ForgeryCaseUpdatedV1: {
      const forgery = event.data as ForgeryCaseUpdatedV1;
      if ((forgery.status === 'OPEN' || forgery.status === 'REMEDIATION_SUBMITTED') && forgery.remediationClosesAt) {
        return { open: [{ kind: 'FORGERY_REMEDIATION', closesAt: new Date(forgery.remediationClosesAt), reference: forgery.caseId, referenceKind: 'FORGERY_CASE', scope: forgery.caseId }], close: [] };
      }
      return { open: [], close: [{ kind: 'FORGERY_REMEDIATION', scope: forgery.caseId }] };
    }
    default:
      return NONE;
  }
}

/**
 * The key of one reminder: unique per merchant, deadline (and reopening) and lead, so redelivered
 * decisions schedule nothing twice. Its parts are escaped (taskKey): the merchant and the scope are
 * ids that may contain '/', and no other merchant's or scope's key may equal it or share its prefix.
 */
export function reminderKey(deadline: Deadline, merchantId: string, leadDays: number): string {
  return taskKey(deadline.kind, merchantId, deadline.scope, deadline.closesAt.toISOString(), ...(deadline.reopening ? [deadline.reopening] : []), `${leadDays}d`);
}

/**
 * The group of every reminder of a deadline of the merchant (cancelled together when it closes): the
 * prefix its reminder keys share, and no other merchant's or deadline's (so open tasks written without
 * a group get theirs from their keys, NotificationReminderGroups).
 */
export function reminderGroup(deadline: ClosedDeadline, merchantId: string): string {
  return taskKeyPrefix(deadline.kind, merchantId, deadline.scope);
}

/** The reminder instants of a deadline that are still ahead of `now`. */
export function reminderInstants(deadline: Deadline, now: Date): { leadDays: number; at: Date }[] {
  return REMINDER_LEAD_DAYS.map((leadDays) => ({ leadDays, at: addNaturalDays(deadline.closesAt, -leadDays) })).filter((r) => r.at.getTime() > now.getTime());
}

/** What a reminder task carries to the reminder it sends. */
export interface ReminderPayload {
  deadlineKind: DeadlineKind;
  closesAt: string;
  reference: string;
  referenceKind: Deadline['referenceKind'];
  leadDays: number;
}

/** The reminder tasks of a deadline of `merchantId` still ahead of `now`, keyed so that scheduling them again does nothing. */
export function reminderTasksOf(deadline: Deadline, merchantId: string, now: Date): TaskToSchedule[] {
  return reminderInstants(deadline, now).map((reminder) => {
    const payload: ReminderPayload = { deadlineKind: deadline.kind, closesAt: deadline.closesAt.toISOString(), reference: deadline.reference, referenceKind: deadline.referenceKind, leadDays: reminder.leadDays };
    return { kind: DEADLINE_REMINDER_TASK, key: reminderKey(deadline, merchantId, reminder.leadDays), group: reminderGroup(deadline, merchantId), merchantId, dueAt: reminder.at, payload: { ...payload } };
  });
}
