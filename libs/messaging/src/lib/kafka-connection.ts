import { Kafka, logLevel, type ITopicConfig } from 'kafkajs';
import { deadLetterTopicOf } from '@penalty/contracts';

/** Where a service's Kafka traffic goes: brokers plus the (test-only) topic namespace. */
export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Prefix of every physical topic name; '' in production. */
  topicNamespace: string;
  partitions: number;
}

export function createKafka(settings: KafkaSettings): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

/** Physical topic name of a contract topic. */
export function physicalTopic(settings: Pick<KafkaSettings, 'topicNamespace'>, topic: string): string {
  return settings.topicNamespace + topic;
}

/** Contract topic name of a physical topic (inverse of physicalTopic). */
export function logicalTopic(settings: Pick<KafkaSettings, 'topicNamespace'>, topic: string): string {
  return settings.topicNamespace && topic.startsWith(settings.topicNamespace) ? topic.slice(settings.topicNamespace.length) : topic;
}

/**
 * Creates the given contract topics and their dead-letter topics when missing. The broker runs with
 * auto-creation off so that a typo in a topic name fails loudly instead of creating a stray topic.
 */
export async function ensureTopics(kafka: Kafka, settings: KafkaSettings, topics: string[], withDeadLetters: string[] = []): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = [...topics, ...withDeadLetters.map(deadLetterTopicOf)].map((t) => physicalTopic(settings, t));
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = [...new Set(wanted)]
      .filter((t) => !existing.has(t))
      .map((topic) => ({ topic, numPartitions: settings.partitions, replicationFactor: 1 }));
    if (missing.length > 0) {
      // Concurrent creators race; "already exists" is success for us.
      await admin.createTopics({ topics: missing, waitForLeaders: true }).catch((error: { type?: string }) => {
        if (error?.type !== 'TOPIC_ALREADY_EXISTS') throw error;
      });
    }
  } finally {
    await admin.disconnect();
  }
}
