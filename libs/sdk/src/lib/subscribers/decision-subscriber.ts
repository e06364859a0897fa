import type { Consumer, Kafka, KafkaConfig } from 'kafkajs';
import { sdkKafkaClient } from '../sdk-kafka-client';
import type { EventValidationError } from '../sdk.errors';
import { DECISION_TOPICS, decodeDecisionEvent, type DecisionEvent, type DecisionTopic } from './decision-events';

export interface DecisionMessage {
  topic: DecisionTopic;
  partition: number;
  offset: string;
  /** The merchant id. */
  key: string | null;
}

export interface DecisionSubscriberOptions {
  /** Your consumer group: each group receives every decision once (at least once: dedupe by event id). */
  groupId: string;
  /** Default: every decision topic. */
  topics?: readonly DecisionTopic[];
  /** Prefix of the physical topic names (a test namespace); '' in production. */
  topicPrefix?: string;
  /** Read from the earliest offset when the group has none yet. Default false (new decisions only). */
  fromBeginning?: boolean;
  /** Called for each valid decision, in partition order; a throw makes kafkajs retry the message. */
  onEvent: (event: DecisionEvent, message: DecisionMessage) => Promise<void> | void;
  /** Called for a value the contract refuses (or a type newer than this SDK); default: skipped. */
  onInvalid?: (error: EventValidationError, message: DecisionMessage & { value: Buffer | null }) => Promise<void> | void;
}

/** Consumes decision topics and hands each event, decoded and typed, to `onEvent`. */
export class DecisionSubscriber {
  private readonly consumer: Consumer;

  /** `kafka`: a kafkajs client of yours, or the broker settings (TLS, SASL…) to make one with. */
  constructor(kafka: Kafka | KafkaConfig, private readonly options: DecisionSubscriberOptions) {
    this.consumer = sdkKafkaClient(kafka).consumer({ groupId: options.groupId });
  }

  /** Connects, subscribes and starts delivering; resolves once the group has been joined. */
  async start(): Promise<void> {
    const prefix = this.options.topicPrefix ?? '';
    const topics = this.options.topics ?? DECISION_TOPICS;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: topics.map((t) => prefix + t), fromBeginning: this.options.fromBeginning ?? false });
    const joined = new Promise<void>((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const contractTopic = topic.slice(prefix.length) as DecisionTopic;
        const meta: DecisionMessage = { topic: contractTopic, partition, offset: message.offset, key: message.key?.toString('utf8') ?? null };
        const decoded = decodeDecisionEvent(message.value, { topic: contractTopic });
        if (decoded.ok) await this.options.onEvent(decoded.event, meta);
        else await this.options.onInvalid?.(decoded.error, { ...meta, value: message.value });
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
