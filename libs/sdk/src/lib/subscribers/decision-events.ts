import {
  EventRegistry,
  eventTypesOn,
  parseCloudEvent,
  Topics,
  TopicDirections,
  type CloudEvent,
  type EventDataOf,
  type EventType,
  type TopicName,
} from '@penalty/contracts';
import { EventValidationError } from '../sdk.errors';

/** The topics the platform publishes its decisions on, for subscribers. */
export const DecisionTopics = {
  PenaltiesAssessedV1: Topics.PenaltiesAssessedV1,
  SanctionsDecidedV1: Topics.SanctionsDecidedV1,
  NotificationsSentV1: Topics.NotificationsSentV1,
  RemediesUpdatedV1: Topics.RemediesUpdatedV1,
} as const;
export type DecisionTopic = (typeof DecisionTopics)[keyof typeof DecisionTopics];

/** Every CloudEvent type on a decision topic: penalties, sanctions, notifications, remedies. */
export type DecisionEventType = {
  [K in EventType]: (typeof EventRegistry)[K]['topic'] extends DecisionTopic ? K : never;
}[EventType];

/** A decision event, discriminated by `type`: `if (e.type === 'sanction.lifted.v1') e.data.reason`. */
export type DecisionEvent = { [K in DecisionEventType]: CloudEvent<EventDataOf<K>> & { type: K } }[DecisionEventType];
/** The decision event of one type, e.g. `DecisionEventOf<'penalty.assessed.v1'>`. */
export type DecisionEventOf<K extends DecisionEventType> = Extract<DecisionEvent, { type: K }>;

export const DECISION_TOPICS: readonly DecisionTopic[] = Object.values(DecisionTopics);
export const DECISION_EVENT_TYPES: readonly DecisionEventType[] = (Object.keys(EventRegistry) as EventType[]).filter(
  (type): type is DecisionEventType => TopicDirections[EventRegistry[type].topic] === 'out',
);

export type DecodeResult<E> = { ok: true; event: E } | { ok: false; error: EventValidationError };

export interface DecodeOptions {
  /** The contract topic the value came from: only its types are accepted. */
  topic?: DecisionTopic;
}

/**
 * Decodes a Kafka message value (bytes or text) or a webhook body into a typed decision event,
 * validated against the contract (unknown fields dropped, as the contract's forward compatibility
 * asks). Never throws: an event this version of the SDK does not know is an UNKNOWN_TYPE failure
 * that a subscriber should skip rather than stop on.
 */
export function decodeDecisionEvent(value: unknown, options: DecodeOptions = {}): DecodeResult<DecisionEvent> {
  const expectedTypes = options.topic ? (eventTypesOn(options.topic as TopicName) as DecisionEventType[]) : DECISION_EVENT_TYPES;
  const parsed = parseCloudEvent(value, { expectedTypes });
  if (!parsed.ok) return { ok: false, error: new EventValidationError(parsed.reason, parsed.violations, parsed.message) };
  return { ok: true, event: { ...parsed.event, data: { ...parsed.event.data } } as DecisionEvent };
}

/** Narrows a decoded event by type. */
export function isDecisionEventOf<K extends DecisionEventType>(event: DecisionEvent, type: K): event is DecisionEventOf<K> {
  return event.type === type;
}
