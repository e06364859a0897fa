import { EventTypes, type CloudEvent, type MerchantProfileUpdatedV1 } from '@penalty/contracts';
import type { NotificationChannel, RuleBook } from '@penalty/domain';
import { isRejection, type TaskToSchedule } from '@penalty/messaging';
import { deadlinesOf, reminderGroup, reminderTasksOf } from '../deadline-reminders/deadline-of-decision';
import { NotificationError, NotificationErrorCode } from '../notifications.errors';
import { contactAfter, contactOfProfile, type KnownContact } from '../record-contact/merchant-contact';
import { isDecisionEvent, planDecisionNotification } from './decision-notification';
import type { MerchantMessage } from './record-notifications';

/** An event of a batch, with the bytes it was published as (what a webhook receives). */
export interface NotifiableEvent {
  event: CloudEvent<object>;
  payload: string;
}

export interface NotificationPlanContext {
  now: Date;
  /** The channels this service can deliver. */
  deliverable: readonly NotificationChannel[];
  rules: RuleBook;
}

/** What a batch changes, to be written set-wise: contacts, then messages, then reminder cancellations, then new reminders. */
export interface NotificationBatchPlan<T extends NotifiableEvent> {
  /** Contacts the batch's profiles changed: the latest per merchant. */
  contacts: KnownContact[];
  /** One message per decision, in the batch's order. */
  messages: MerchantMessage[];
  /** Reminder groups of the deadlines the batch closed (reminders scheduled before the batch). */
  closedReminderGroups: string[];
  /** Reminders of the deadlines the batch opened and did not close again, one per key. */
  reminders: TaskToSchedule[];
  /** Events the rules refuse; nothing of them is in the plan. */
  rejected: { item: T; rejection: { code: string; message: string } }[];
}

/** The merchant an event concerns: a profile's own id, else the subject (the message key). */
export function merchantOf(event: CloudEvent<object>): string {
  return event.type === EventTypes.MerchantProfileUpdatedV1 ? (event.data as MerchantProfileUpdatedV1).merchantId : event.subject;
}

/**
 * Plans a batch in its order, so each merchant's events apply in order: a profile changes the contact
 * the merchant's later decisions are told on; each decision is rendered in the merchant's locale on
 * the channels its contact allows and the service can deliver, closes the reminders of the deadlines
 * it settles and then schedules those of the deadlines it opens ("a rejected appeal closes the first
 * window's reminders and opens the second's"). A reminder planned earlier in the batch and closed
 * later in it is not scheduled at all. `known` holds the stored contacts of the batch's merchants.
 * An event the rules cannot notify is rejected alone (NOTIFICATION.UNKNOWN_CAUSE, or a rule's code).
 */
export function planNotifications<T extends NotifiableEvent>(items: readonly T[], known: ReadonlyMap<string, KnownContact>, context: NotificationPlanContext): NotificationBatchPlan<T> {
  const contacts = new Map(known);
  const changed = new Map<string, KnownContact>();
  const messages: MerchantMessage[] = [];
  const closed = new Set<string>();
  const reminders = new Map<string, TaskToSchedule>();
  const rejected: NotificationBatchPlan<T>['rejected'] = [];

  for (const item of items) {
    const { event } = item;
    const merchantId = merchantOf(event);
    if (event.type === EventTypes.MerchantProfileUpdatedV1) {
      const profile = contactOfProfile(event as CloudEvent<MerchantProfileUpdatedV1>);
      const after = contactAfter(contacts.get(merchantId), profile);
      contacts.set(merchantId, after);
      if (after === profile) changed.set(merchantId, profile);
      continue;
    }
    let planned: { message: MerchantMessage; changes: ReturnType<typeof deadlinesOf> };
    try {
      if (!isDecisionEvent(event.type)) throw new NotificationError(NotificationErrorCode.UNKNOWN_CAUSE, `no notification for ${event.type}`);
      const plan = planDecisionNotification(event, contacts.get(merchantId) ?? null, context.deliverable);
      planned = {
        message: { merchantId, channels: plan.channels, template: plan.template, title: plan.title, body: plan.body, causeEventId: event.id, causeType: event.type, payload: item.payload },
        changes: deadlinesOf(event, context.rules),
      };
    } catch (error) {
      if (!isRejection(error)) throw error;
      rejected.push({ item, rejection: { code: error.code, message: error.message } });
      continue;
    }
    messages.push(planned.message);
    for (const deadline of planned.changes.close) {
      const group = reminderGroup(deadline, merchantId);
      closed.add(group);
      for (const [key, task] of reminders) if (task.group === group) reminders.delete(key);
    }
    for (const deadline of planned.changes.open) {
      for (const task of reminderTasksOf(deadline, merchantId, context.now)) if (!reminders.has(task.key)) reminders.set(task.key, task);
    }
  }
  return { contacts: [...changed.values()], messages, closedReminderGroups: [...closed], reminders: [...reminders.values()], rejected };
}
