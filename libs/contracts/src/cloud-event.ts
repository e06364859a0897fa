import { randomUUID } from 'node:crypto';
import { IsIn, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { IsMerchantId, IsNonEmptyString } from './validation/identifiers';
import { IsRfc3339DateTime, toRfc3339 } from './validation/rfc3339-date-time';
import { SchemaDoc } from './validation/schema-annotations';
import type { EventType } from './topics';

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const CLOUDEVENT_DATA_CONTENT_TYPE = 'application/json';
export const CLOUDEVENT_ID_MAX_LENGTH = 256;

/** The envelope attributes this contract knows; any other top-level attribute is ignored. */
export const CLOUDEVENT_ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'datacontenttype',
  'data',
] as const;

/**
 * A CloudEvents 1.0 event in structured JSON mode: the value of every Kafka message of the
 * contract. `subject` is the merchant id, which is also the Kafka message key.
 */
@SchemaDoc({ description: 'A CloudEvents 1.0 event in structured JSON mode.' })
export class CloudEvent<T extends object = object> {
  @IsIn([CLOUDEVENTS_SPEC_VERSION])
  specversion: typeof CLOUDEVENTS_SPEC_VERSION;

  @IsString()
  @Length(1, CLOUDEVENT_ID_MAX_LENGTH)
  @SchemaDoc({ description: 'Unique per event; a consumer that sees an id again does nothing more.' })
  id: string;

  @IsNonEmptyString()
  @SchemaDoc({ description: 'The publishing system, e.g. listing-audit.' })
  source: string;

  @IsNonEmptyString()
  type: string;

  @IsRfc3339DateTime()
  @SchemaDoc({ description: 'When the event was produced (RFC 3339 with offset).' })
  time: string;

  @IsMerchantId()
  @SchemaDoc({ description: 'The merchant id: equal to the Kafka message key and to data.merchantId.' })
  subject: string;

  @IsOptional()
  @IsIn([CLOUDEVENT_DATA_CONTENT_TYPE])
  datacontenttype?: typeof CLOUDEVENT_DATA_CONTENT_TYPE;

  @IsObject()
  data: T;

  /**
   * The CloudEvents distributed-tracing extension (W3C Trace Context): kept by parseCloudEvent when it
   * is a well-formed traceparent, dropped otherwise (a malformed trace context never refuses an event:
   * the trace starts anew, as W3C Trace Context says). Not part of the schema: not validated.
   */
  declare traceparent?: string;
  /** W3C tracestate, kept (at most 512 characters) only beside a kept traceparent. */
  declare tracestate?: string;
}

export interface BuildCloudEventInput<T extends object> {
  type: EventType;
  /** The producing system, e.g. `penalty-scoring`. */
  source: string;
  /** The merchant id (also the Kafka key). */
  subject: string;
  data: T;
  /** Defaults to a random UUID. Pass a stable id (e.g. the outbox row id) to make retries idempotent. */
  id?: string;
  /** Defaults to now. */
  time?: Date | string;
}

/** Wraps `data` in a CloudEvents 1.0 envelope. Does not validate: parseCloudEvent does. */
export function buildCloudEvent<T extends object>(input: BuildCloudEventInput<T>): CloudEvent<T> {
  const event = new CloudEvent<T>();
  event.specversion = CLOUDEVENTS_SPEC_VERSION;
  event.id = input.id ?? randomUUID();
  event.source = input.source;
  event.type = input.type;
  event.time = input.time instanceof Date ? toRfc3339(input.time) : (input.time ?? toRfc3339(new Date()));
  event.subject = input.subject;
  event.datacontenttype = CLOUDEVENT_DATA_CONTENT_TYPE;
  event.data = input.data;
  return event;
}
