import { Inject, Injectable } from '@nestjs/common';
import { RuleBook, type Clock, type NotificationChannel } from '@penalty/domain';
import { EventTypes, type PenaltyAssessedV1 } from '@penalty/contracts';
import { ALWAYS_CURRENT, cancelTaskGroups, RulebookFeed, scheduleTasks, type InboxBatch, type RulebookAwareness } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { DEADLINE_REMINDER_TASK } from '../deadline-reminders/deadline-of-decision';
import { MerchantContactRepository } from '../merchant-contact.repository';
import { deliverableChannels, NOTIFICATION_CONFIG, type NotificationConfig } from '../notification.config';
import { merchantOf, planNotifications } from './plan-notifications';
import { NotificationRecorder } from './record-notifications';

/**
 * Tells merchants about a batch of decisions (penalty assessed or adjusted, sanction imposed or lifted,
 * a remedy's new state) on each of their channels, schedules the reminders of the deadlines the
 * decisions open and cancels those of the deadlines they settle. Profiles in the batch change the
 * contact of the decisions after them. Set-wise, inside the inbox transaction of the batch: one read
 * of the merchants' contacts, then at most one statement each for contacts, notifications, reminder
 * cancellations and new reminders; notification.sent.v1 of each new inbox row goes out with the commit.
 */
@Injectable()
export class NotifyMerchantHandler {
  private readonly deliverable: NotificationChannel[];

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RuleBook,
    @Inject(NOTIFICATION_CONFIG) config: NotificationConfig,
    private readonly contacts: MerchantContactRepository,
    private readonly recorder: NotificationRecorder,
    @Inject(RulebookFeed) private readonly rulebooks: RulebookAwareness = ALWAYS_CURRENT,
  ) {
    this.deliverable = deliverableChannels(config);
  }

  async handle({ tx, events, reject }: InboxBatch): Promise<void> {
    const now = this.clock.now();
    // A penalty's appeal window is its rule version's: known here before the reminders are planned.
    const penalties = events.filter(({ event }) => event.type === EventTypes.PenaltyAssessedV1).map(({ event }) => event.data as PenaltyAssessedV1);
    await this.rulebooks.awaitKnown(penalties.map((p) => ({ version: p.ruleVersion, marketplace: p.marketplace ?? this.rules.defaultMarketplace })));
    const known = await this.contacts.findMany(tx, events.map((inbound) => merchantOf(inbound.event)));
    const plan = planNotifications(
      events.map((inbound) => ({ inbound, event: inbound.event, payload: inbound.raw.toString('utf8') })),
      known,
      { now, deliverable: this.deliverable, rules: this.rules },
    );
    for (const { item, rejection } of plan.rejected) reject(item.inbound, rejection);
    await this.contacts.saveMany(tx, plan.contacts);
    await this.recorder.record(tx, plan.messages, now);
    // Cancellations first: a reminder the batch opens after closing its deadline's earlier ones must survive.
    await cancelTaskGroups(tx.manager, DEADLINE_REMINDER_TASK, plan.closedReminderGroups, now);
    await scheduleTasks(tx.manager, plan.reminders);
  }
}
