import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { channelsFor, DEADLINE_LABELS, formatShanghai, renderTemplate, type Clock, type NotificationChannel } from '@penalty/domain';
import { ScheduledTaskRunner, TransactionRunner, txOf, type DueTask } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { MerchantContactRepository } from '../merchant-contact.repository';
import { NOTIFICATION_SOURCE } from '../notification-sent.event';
import { deliverableChannels, NOTIFICATION_CONFIG, type NotificationConfig } from '../notification.config';
import { localeOf, type ContactDetails } from '../notify-merchant/decision-notification';
import { NotificationRecorder, type MerchantMessage } from '../notify-merchant/record-notifications';
import { DEADLINE_REMINDER_TASK, type ReminderPayload } from './deadline-of-decision';

export const DEADLINE_REMINDER_EVENT_TYPE = 'deadline.reminder.v1';

const REFERENCE_NAMES = {
  SANCTION: { 'zh-CN': '处罚', en: 'sanction' },
  VIOLATION: { 'zh-CN': '违规', en: 'violation' },
  FORGERY_CASE: { 'zh-CN': '资质造假案件', en: 'forgery case' },
  DEPOSIT: { 'zh-CN': '保证金', en: 'the deposit of' },
} as const;

/**
 * The message of one due reminder, in the merchant's locale, on the channels the contact allows and
 * the service can deliver. Webhooks receive CloudEvents; a reminder is a webhook-only type (it travels
 * on no Kafka topic), identified by its task.
 */
export function deadlineReminderMessage(task: Pick<DueTask, 'kind' | 'key' | 'merchantId' | 'payload'>, contact: ContactDetails | null, now: Date, deliverable: readonly NotificationChannel[]): MerchantMessage {
  const locale = localeOf(contact);
  const { deadlineKind, closesAt, reference, referenceKind, leadDays } = task.payload as ReminderPayload;
  const deadline = formatShanghai(new Date(closesAt));
  const rendered = renderTemplate('deadline.reminder', locale, {
    what: DEADLINE_LABELS[deadlineKind]?.[locale] ?? deadlineKind,
    reference: `${REFERENCE_NAMES[referenceKind]?.[locale] ?? referenceKind} ${reference}`,
    deadline,
  });
  const causeEventId = `reminder:${task.kind}/${task.key}`;
  const payload = JSON.stringify({
    specversion: '1.0',
    id: causeEventId,
    source: NOTIFICATION_SOURCE,
    type: DEADLINE_REMINDER_EVENT_TYPE,
    time: formatShanghai(now),
    subject: task.merchantId,
    datacontenttype: 'application/json',
    data: { merchantId: task.merchantId, deadlineKind, reference, referenceKind, closesAt: deadline, leadDays },
  });
  return {
    merchantId: task.merchantId,
    channels: channelsFor(contact).filter((c) => deliverable.includes(c)),
    template: rendered.key,
    title: rendered.title,
    body: rendered.body,
    causeEventId,
    causeType: DEADLINE_REMINDER_EVENT_TYPE,
    payload,
  };
}

/** Sends one due deadline reminder on the merchant's channels, inside the task runner's transaction. */
@Injectable()
export class SendDeadlineReminderHandler {
  private readonly deliverable: NotificationChannel[];

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(NOTIFICATION_CONFIG) config: NotificationConfig,
    private readonly contacts: MerchantContactRepository,
    private readonly recorder: NotificationRecorder,
  ) {
    this.deliverable = deliverableChannels(config);
  }

  async handle(manager: EntityManager, task: DueTask): Promise<void> {
    const tx = txOf(manager);
    const now = this.clock.now();
    const contact = (await this.contacts.findMany(tx, [task.merchantId])).get(task.merchantId) ?? null;
    await this.recorder.record(tx, [deadlineReminderMessage(task, contact, now, this.deliverable)], now);
  }
}

/** Runs the notification service's scheduled tasks (deadline reminders) with the app. */
@Injectable()
export class NotificationTaskRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: ScheduledTaskRunner;

  constructor(transactions: TransactionRunner, @Inject(CLOCK) clock: Clock, reminders: SendDeadlineReminderHandler) {
    this.runner = new ScheduledTaskRunner(transactions, clock, { [DEADLINE_REMINDER_TASK]: (manager, task) => reminders.handle(manager, task) });
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
