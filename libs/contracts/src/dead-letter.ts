import { ParseFailureReasons } from './parse-failure';

/**
 * Kafka headers on a message of `<topic>.dlq`; its key and value are the original ones, unchanged.
 * Code and At are optional, the others always present.
 */
export const DeadLetterHeaders = {
  Reason: 'x-dlq-reason',
  Message: 'x-dlq-message',
  Code: 'x-dlq-code',
  SourceTopic: 'x-dlq-source-topic',
  SourcePartition: 'x-dlq-source-partition',
  SourceOffset: 'x-dlq-source-offset',
  At: 'x-dlq-at',
} as const;

export const REQUIRED_DEAD_LETTER_HEADERS = [
  DeadLetterHeaders.Reason,
  DeadLetterHeaders.Message,
  DeadLetterHeaders.SourceTopic,
  DeadLetterHeaders.SourcePartition,
  DeadLetterHeaders.SourceOffset,
] as const;

/**
 * Values of `x-dlq-reason`: why parsing failed, or what happened after parsing (the Kafka key is
 * not the subject, the domain rejected the event, processing still failed after the last retry).
 */
export const DeadLetterReasons = [
  ...ParseFailureReasons,
  'KEY_MISMATCH',
  'REJECTED',
  'PROCESSING_FAILED',
] as const;
export type DeadLetterReason = (typeof DeadLetterReasons)[number];
