import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, type Consumer, type EachBatchPayload, type KafkaMessage } from 'kafkajs';
import { deadLetterTopicOf, DeadLetterHeaders, Topics } from '@penalty/contracts';
import { KAFKA_SETTINGS, logicalTopic, physicalTopic, type KafkaSettings } from '@penalty/messaging';
import { DeadLettersRepository, type DeadLetterRow } from '../dead-letters.repository';

/** Dead-letter partitions collected at once (5 topics × their partitions share the process with the rest of the api). */
const PARTITIONS_CONSUMED_CONCURRENTLY = 3;

/**
 * Keeps every dead letter of every topic in the api's schema, so operators can browse them with the
 * reason their consumer gave and replay them once the cause is fixed. Messages are stored raw (they
 * may not parse) and idempotently by (topic, partition, offset): each fetched batch with one INSERT,
 * and its offsets committed only after that INSERT, so a crash in between collects the batch again
 * and adds nothing twice.
 */
@Injectable()
export class DeadLetterCollector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadLetterCollector.name);
  private consumer?: Consumer;

  constructor(
    private readonly deadLetters: DeadLettersRepository,
    private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: `${this.settings.topicNamespace}api-dead-letters` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: Object.values(Topics).map((t) => physicalTopic(this.settings, deadLetterTopicOf(t))), fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
      eachBatch: (payload) => this.collect(payload),
    });
    this.logger.log('collecting dead letters');
  }

  private async collect({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const topic = logicalTopic(this.settings, batch.topic);
    await this.deadLetters.recordAll(batch.messages.map((message) => this.rowOf(topic, batch.partition, message)));
    // A consumer that lost the partition meanwhile leaves the commit to its new owner (which adds nothing twice).
    if (isStale()) return;
    const last = batch.messages[batch.messages.length - 1].offset;
    resolveOffset(last);
    await this.consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
    await heartbeat();
  }

  private rowOf(topic: string, partition: number, message: KafkaMessage): DeadLetterRow {
    const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? '']));
    return {
      topic, partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers,
      reason: headers[DeadLetterHeaders.Reason] ?? 'UNKNOWN', message: headers[DeadLetterHeaders.Message] ?? '',
      sourceTopic: headers[DeadLetterHeaders.SourceTopic] ?? topic.replace(/\.dlq$/, ''), deadAt: new Date(Number(message.timestamp)),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
