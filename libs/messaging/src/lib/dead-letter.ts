import type { KafkaMessage } from 'kafkajs';
import { DeadLetterHeaders, deadLetterTopicOf, type DeadLetterReason } from '@penalty/contracts';
import type { OutboxEntry } from './outbox';

export interface DeadLetter {
  /** Contract name of the topic the message was read from. */
  sourceTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | string | null;
  reason: DeadLetterReason;
  /** Human-readable explanation, e.g. the invalid fields. */
  message: string;
  /** Machine-readable code of a domain rejection, e.g. VIOLATION.SCENARIO_CODE_MISMATCH. */
  code?: string;
}

/** Headers that tell an operator why the message is on the dead-letter topic and where it came from. */
export function deadLetterHeaders(letter: DeadLetter, at: Date): Record<string, string> {
  return {
    [DeadLetterHeaders.Reason]: letter.reason,
    [DeadLetterHeaders.Message]: letter.message.slice(0, 4000),
    ...(letter.code ? { [DeadLetterHeaders.Code]: letter.code } : {}),
    [DeadLetterHeaders.SourceTopic]: letter.sourceTopic,
    [DeadLetterHeaders.SourcePartition]: String(letter.partition),
    [DeadLetterHeaders.SourceOffset]: letter.offset,
    [DeadLetterHeaders.At]: at.toISOString(),
  };
}

/** The dead-letter message as an outbox entry: the original value unchanged, the reason in headers. */
export function deadLetterEntry(letter: DeadLetter, at: Date): OutboxEntry {
  return {
    topic: deadLetterTopicOf(letter.sourceTopic),
    key: letter.key ?? '',
    value: letter.value === null ? '' : letter.value.toString(),
    headers: deadLetterHeaders(letter, at),
  };
}

export function messageKey(message: KafkaMessage): string | null {
  return message.key ? message.key.toString('utf8') : null;
}
