import type { CloudEvent } from '@penalty/contracts';
import type { TraceCarrier } from '@penalty/runtime';
import type { DeadLetter } from './dead-letter';

/** One consumed, parsed and schema-valid event with its position on the topic. */
export interface InboundEvent<T extends object = object> {
  event: CloudEvent<T>;
  /** Contract name of the topic (without namespace). */
  topic: string;
  partition: number;
  offset: string;
  key: string;
  raw: Buffer;
  /** Where a replayed dead letter came from (its x-replayed-from header): applied even if its id was dead-lettered. */
  replayedFrom?: string;
  /** The W3C trace context it carries (Kafka header, else CloudEvent attribute): what its consequences continue. */
  trace?: TraceCarrier;
}

/**
 * The valid events of slices of fetched batches of one topic: of one partition or of several
 * (SliceCoalescer), each partition's in offset order, so each key's in order.
 */
export interface InboundBatch {
  topic: string;
  events: InboundEvent[];
  /** Messages of the slices that cannot be applied (unparseable, invalid, failed): dead-lettered once, with the batch. */
  deadLetters?: DeadLetter[];
}

/**
 * An input that the rules refuse (it will never succeed, whatever the retries): the event goes to the
 * dead-letter topic with this code and message. Domain errors of the domain lib are mapped to it.
 */
export class EventRejection extends Error {
  readonly retriable = false;
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** True for errors that say the input is wrong (coded, explicitly not retriable). */
export function isRejection(error: unknown): error is { code: string; message: string } {
  return (
    error instanceof EventRejection ||
    (!!error && typeof error === 'object' && (error as { retriable?: unknown }).retriable === false && typeof (error as { code?: unknown }).code === 'string')
  );
}
