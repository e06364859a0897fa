import {
  buildCloudEvent,
  EventTypes,
  parseCloudEvent,
  type CloudEvent,
  type MerchantProfileUpdatedV1,
  type ViolationDetectedV1,
} from '@penalty/contracts';
import { EventValidationError } from '../sdk.errors';

/** What a producer fills in for `violation.detected.v1`; `itemAction` defaults to `NONE`. */
export type ViolationDetectedData = Omit<ViolationDetectedV1, 'itemAction'> & Partial<Pick<ViolationDetectedV1, 'itemAction'>>;
/** What a producer fills in for `merchant.profile.updated.v1`. */
export type MerchantProfileData = MerchantProfileUpdatedV1;

export type ViolationDetectedEvent = CloudEvent<ViolationDetectedV1> & { type: typeof EventTypes.ViolationDetectedV1 };
export type MerchantProfileEvent = CloudEvent<MerchantProfileUpdatedV1> & { type: typeof EventTypes.MerchantProfileUpdatedV1 };
/** The events platform systems produce (inbound topics). */
export type ProducerEvent = ViolationDetectedEvent | MerchantProfileEvent;
export type ProducerEventType = ProducerEvent['type'];

export const PRODUCER_EVENT_TYPES: readonly ProducerEventType[] = [EventTypes.ViolationDetectedV1, EventTypes.MerchantProfileUpdatedV1];

export interface EnvelopeOptions {
  /** The publishing system, e.g. `listing-audit`. */
  source: string;
  /**
   * The CloudEvent id. Default: a random UUID. Keep the event (or pass a stable id) to resend it:
   * the platform applies an id once, so a resend after a timeout is safe.
   */
  id?: string;
  /** Default: now. */
  time?: Date | string;
  /** W3C trace context, carried as the CloudEvents distributed-tracing extension (a malformed one is dropped, as the platform drops it). */
  traceparent?: string;
  tracestate?: string;
}

export type BuildResult<E> = { ok: true; event: E } | { ok: false; error: EventValidationError };

/**
 * A `violation.detected.v1` CloudEvent, validated against the contract (the same compiled JSON Schema
 * validators the platform uses): subject is the merchant id. Never throws; see violationDetectedEvent.
 */
export function buildViolationDetectedEvent(data: ViolationDetectedData, options: EnvelopeOptions): BuildResult<ViolationDetectedEvent> {
  return build(EventTypes.ViolationDetectedV1, data, options) as BuildResult<ViolationDetectedEvent>;
}

/** A `merchant.profile.updated.v1` CloudEvent, validated. Never throws; see merchantProfileEvent. */
export function buildMerchantProfileEvent(data: MerchantProfileData, options: EnvelopeOptions): BuildResult<MerchantProfileEvent> {
  return build(EventTypes.MerchantProfileUpdatedV1, data, options) as BuildResult<MerchantProfileEvent>;
}

/** As buildViolationDetectedEvent, throwing EventValidationError. */
export function violationDetectedEvent(data: ViolationDetectedData, options: EnvelopeOptions): ViolationDetectedEvent {
  return unwrap(buildViolationDetectedEvent(data, options));
}

/** As buildMerchantProfileEvent, throwing EventValidationError. */
export function merchantProfileEvent(data: MerchantProfileData, options: EnvelopeOptions): MerchantProfileEvent {
  return unwrap(buildMerchantProfileEvent(data, options));
}

/**
 * Checks an event built elsewhere (or received) against the contract of the inbound types: the
 * validated event, unknown fields dropped and defaults applied, or the reason and field paths.
 */
export function validateProducerEvent(event: unknown): BuildResult<ProducerEvent> {
  const parsed = parseCloudEvent(event, { expectedTypes: PRODUCER_EVENT_TYPES });
  if (!parsed.ok) return { ok: false, error: new EventValidationError(parsed.reason, parsed.violations, parsed.message) };
  return { ok: true, event: plain(parsed.event) as ProducerEvent };
}

function build(type: ProducerEventType, data: object, options: EnvelopeOptions): BuildResult<ProducerEvent> {
  const merchantId = (data as { merchantId?: unknown }).merchantId;
  const envelope = buildCloudEvent({
    type,
    source: options.source,
    subject: typeof merchantId === 'string' ? merchantId : '',
    data,
    id: options.id,
    time: options.time,
  });
  const raw: Record<string, unknown> = { ...envelope };
  if (options.traceparent !== undefined) raw.traceparent = options.traceparent;
  if (options.tracestate !== undefined) raw.tracestate = options.tracestate;
  const result = validateProducerEvent(raw);
  if (result.ok) return result;
  // The builder sets subject from data.merchantId: a refused subject is the caller's merchantId.
  const violations = result.error.violations.map((v) => (v.field === 'subject' ? { ...v, field: 'data.merchantId' } : v));
  return { ok: false, error: new EventValidationError(result.error.reason, violations, result.error.message) };
}

/** A plain copy (data is an instance of the contract class): what a caller compares or serializes. */
function plain(parsed: CloudEvent): CloudEvent {
  return { ...parsed, data: { ...parsed.data } } as CloudEvent;
}

function unwrap<E>(result: BuildResult<E>): E {
  if (!result.ok) throw result.error;
  return result.event;
}
