import { ViolationDetectedV1 } from './violations-detected/v1/violation-detected.v1';
import { MerchantProfileUpdatedV1 } from './merchants-profiles/v1/merchant-profile-updated.v1';
import { PenaltyAssessedV1 } from './penalties-assessed/v1/penalty-assessed.v1';
import { SanctionImposedV1 } from './sanctions-decided/v1/sanction-imposed.v1';
import { SanctionLiftedV1 } from './sanctions-decided/v1/sanction-lifted.v1';
import { NotificationSentV1 } from './notifications-sent/v1/notification-sent.v1';
import { AppealUpdatedV1, DepositUpdatedV1, ExamChanceUpdatedV1, ForgeryCaseUpdatedV1 } from './remedies-updated/v1/remedies-updated.v1';
import { RulebookVersionUpdatedV1 } from './rules-versions/v1/rulebook-version-updated.v1';

/** Kafka topics of the public contract. A breaking change adds a `…V2` topic beside `…V1`. */
export const Topics = {
  ViolationsDetectedV1: 'violations.detected.v1',
  MerchantsProfilesV1: 'merchants.profiles.v1',
  PenaltiesAssessedV1: 'penalties.assessed.v1',
  SanctionsDecidedV1: 'sanctions.decided.v1',
  NotificationsSentV1: 'notifications.sent.v1',
  RemediesUpdatedV1: 'remedies.updated.v1',
  /** Internal: the rulebook versions of every marketplace (compacted, key `<marketplace>/<versionId>`), read whole by every service. */
  RulesVersionsV1: 'rules.versions.v1',
} as const;
export type TopicName = (typeof Topics)[keyof typeof Topics];

export type TopicDirection = 'in' | 'out';

/** Seen from the platform: `in` topics are published by platform systems and consumed here. */
export const TopicDirections = {
  [Topics.ViolationsDetectedV1]: 'in',
  [Topics.MerchantsProfilesV1]: 'in',
  [Topics.PenaltiesAssessedV1]: 'out',
  [Topics.SanctionsDecidedV1]: 'out',
  [Topics.NotificationsSentV1]: 'out',
  [Topics.RemediesUpdatedV1]: 'out',
  [Topics.RulesVersionsV1]: 'out',
} as const satisfies Record<TopicName, TopicDirection>;

export const INBOUND_TOPICS: readonly TopicName[] = (Object.keys(TopicDirections) as TopicName[]).filter(
  (topic) => TopicDirections[topic] === 'in',
);

export const deadLetterTopicOf = <T extends string>(topic: T): `${T}.dlq` => `${topic}.dlq`;

/** `content-type` Kafka header of every message: CloudEvents structured JSON mode. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** Topics compacted by key (the latest message of each key is kept for ever): the key names a thing, not a merchant. */
export const COMPACTED_TOPICS: readonly TopicName[] = [Topics.RulesVersionsV1];

/** CloudEvent `type`s of the public contract. */
export const EventTypes = {
  ViolationDetectedV1: 'violation.detected.v1',
  MerchantProfileUpdatedV1: 'merchant.profile.updated.v1',
  PenaltyAssessedV1: 'penalty.assessed.v1',
  PenaltyAdjustedV1: 'penalty.adjusted.v1',
  SanctionImposedV1: 'sanction.imposed.v1',
  SanctionLiftedV1: 'sanction.lifted.v1',
  NotificationSentV1: 'notification.sent.v1',
  AppealUpdatedV1: 'appeal.updated.v1',
  ExamChanceUpdatedV1: 'exam-chance.updated.v1',
  DepositUpdatedV1: 'deposit.updated.v1',
  ForgeryCaseUpdatedV1: 'forgery-case.updated.v1',
  RulebookVersionUpdatedV1: 'rulebook-version.updated.v1',
} as const;
export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

export interface EventRegistration<T extends object = object> {
  readonly topic: TopicName;
  readonly dataClass: new () => T;
  readonly description: string;
}

/** Each CloudEvent type: the topic it travels on and the class its `data` must satisfy. */
export const EventRegistry = {
  [EventTypes.ViolationDetectedV1]: {
    topic: Topics.ViolationsDetectedV1,
    dataClass: ViolationDetectedV1,
    description: 'A platform system detected a violation by a merchant.',
  },
  [EventTypes.MerchantProfileUpdatedV1]: {
    topic: Topics.MerchantsProfilesV1,
    dataClass: MerchantProfileUpdatedV1,
    description: "A merchant's profile was created or changed.",
  },
  [EventTypes.PenaltyAssessedV1]: {
    topic: Topics.PenaltiesAssessedV1,
    dataClass: PenaltyAssessedV1,
    description: 'A distinct violation was assessed: the points it counts for.',
  },
  [EventTypes.PenaltyAdjustedV1]: {
    topic: Topics.PenaltiesAssessedV1,
    dataClass: PenaltyAssessedV1,
    description: 'Points already assessed changed (exam passed, appeal accepted, chance voided).',
  },
  [EventTypes.SanctionImposedV1]: {
    topic: Topics.SanctionsDecidedV1,
    dataClass: SanctionImposedV1,
    description: 'A sanction was imposed on a merchant.',
  },
  [EventTypes.SanctionLiftedV1]: {
    topic: Topics.SanctionsDecidedV1,
    dataClass: SanctionLiftedV1,
    description: 'Measures of a sanction were lifted.',
  },
  [EventTypes.NotificationSentV1]: {
    topic: Topics.NotificationsSentV1,
    dataClass: NotificationSentV1,
    description: 'A merchant was notified (or notifying failed).',
  },
  [EventTypes.AppealUpdatedV1]: {
    topic: Topics.RemediesUpdatedV1,
    dataClass: AppealUpdatedV1,
    description: 'An appeal against a decision was filed or decided.',
  },
  [EventTypes.ExamChanceUpdatedV1]: {
    topic: Topics.RemediesUpdatedV1,
    dataClass: ExamChanceUpdatedV1,
    description: 'An exam-instead-of-penalty chance was granted, offered for a violation, chosen, passed, failed, refused or voided.',
  },
  [EventTypes.DepositUpdatedV1]: {
    topic: Topics.RemediesUpdatedV1,
    dataClass: DepositUpdatedV1,
    description: "A merchant's deposit changed: requirement, fine, refund, payment, forfeiture, or an overdue top-up.",
  },
  [EventTypes.ForgeryCaseUpdatedV1]: {
    topic: Topics.RemediesUpdatedV1,
    dataClass: ForgeryCaseUpdatedV1,
    description: 'A qualification-forgery case was opened or changed.',
  },
  [EventTypes.RulebookVersionUpdatedV1]: {
    topic: Topics.RulesVersionsV1,
    dataClass: RulebookVersionUpdatedV1,
    description: "A marketplace's rulebook version, whole, after it was seeded, approved, announced or withdrawn.",
  },
} as const satisfies { readonly [K in EventType]: EventRegistration };

/** The `data` class of a CloudEvent type, e.g. `EventDataOf<'violation.detected.v1'>`. */
export type EventDataOf<K extends EventType> = InstanceType<(typeof EventRegistry)[K]['dataClass']>;

export const isEventType = (type: unknown): type is EventType =>
  typeof type === 'string' && Object.prototype.hasOwnProperty.call(EventRegistry, type);

/** The CloudEvent types that travel on a topic, in registry order. */
export const eventTypesOn = (topic: TopicName): EventType[] =>
  (Object.keys(EventRegistry) as EventType[]).filter((type) => EventRegistry[type].topic === topic);
