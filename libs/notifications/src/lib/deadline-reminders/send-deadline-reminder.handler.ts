import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { channelsFor, DEADLINE_LABELS, formatShanghai, renderTemplate, type Clock, type NotificationChannel } from '@penalty/domain';
import { ScheduledTaskRunner, TransactionRunner, type DueTask } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { deliverableChannels, NOTIFICATION_CONFIG, type NotificationConfig } from '../notification.config';
import { localeOf, type ContactDetails } from '../notify-merchant/decision-notification';
import { recordNotifications } from '../notify-merchant/record-notifications';

export const DEADLINE_REMINDER_TASK = 'DEADLINE_REMINDER';
export const DEADLINE_REMINDER_EVENT_TYPE = 'deadline.reminder.v1';

const REFERENCE_NAMES = {
  SANCTION: { 'zh-CN': '处罚', en: 'sanction' },
  VIOLATION: { 'zh-CN': '违规', en: 'violation' },
  FORGERY_CASE: { 'zh-CN': '资质造假案件', en: 'forgery case' },
  DEPOSIT: { 'zh-CN': '保证金', en: 'the deposit of' },
} as const;

/** Sends one scheduled deadline reminder on the merchant's channels, inside the task runner's transaction. */
export async function sendDeadlineReminder(manager: EntityManager, task: DueTask, now: Date, deliverable: readonly NotificationChannel[]): Promise<void> {
  const [contact]: ContactDetails[] = await manager.query(
    'SELECT email, phone, webhook_url AS "webhookUrl", locale FROM merchant_contact WHERE merchant_id = $1',
    [task.merchantId],
  );
  const locale = localeOf(contact ?? null);
  const { deadlineKind, closesAt, reference, referenceKind } = task.payload as { deadlineKind: string; closesAt: string; reference: string; referenceKind: keyof typeof REFERENCE_NAMES };
  const deadline = formatShanghai(new Date(closesAt));
  const rendered = renderTemplate('deadline.reminder', locale, {
    what: DEADLINE_LABELS[deadlineKind]?.[locale] ?? deadlineKind,
    reference: `${REFERENCE_NAMES[referenceKind]?.[locale] ?? referenceKind} ${reference}`,
    deadline,
  });
  const causeEventId = `reminder:${task.kind}/${task.key}`;
  // Webhooks receive CloudEvents; a reminder is a webhook-only type (it travels on no Kafka topic).
  const payload = JSON.stringify({
    specversion: '1.0',
    id: causeEventId,
    source: 'notification-service',
    type: DEADLINE_REMINDER_EVENT_TYPE,
    time: formatShanghai(now),
    subject: task.merchantId,
    datacontenttype: 'application/json',
    data: { merchantId: task.merchantId, deadlineKind, reference, referenceKind, closesAt: deadline, leadDays: task.payload.leadDays },
  });
  await recordNotifications(
    manager,
    {
      merchantId: task.merchantId,
      channels: channelsFor(contact ?? null).filter((c) => deliverable.includes(c)),
      template: rendered.key,
      title: rendered.title,
      body: rendered.body,
      causeEventId,
      causeType: DEADLINE_REMINDER_EVENT_TYPE,
      payload,
    },
    now,
  );
}

/** Runs the notification service's scheduled tasks (deadline reminders) with the app. */
@Injectable()
export class NotificationTaskRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: ScheduledTaskRunner;

  constructor(transactions: TransactionRunner, @Inject(CLOCK) clock: Clock, @Inject(NOTIFICATION_CONFIG) config: NotificationConfig) {
    const deliverable = deliverableChannels(config);
    this.runner = new ScheduledTaskRunner(transactions, clock, { [DEADLINE_REMINDER_TASK]: (manager, task) => sendDeadlineReminder(manager, task, clock.now(), deliverable) });
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
