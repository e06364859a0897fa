import { Kafka, logLevel, type ITopicConfig, type KafkaConfig, type logCreator, type RetryOptions } from 'kafkajs';
import { COMPACTED_TOPICS, deadLetterTopicOf } from '@penalty/contracts';
import { fixKafkajsIdleTimer } from './kafkajs-idle-timer';
import { Logger } from '@nestjs/common';
import { describeKafkaSecurity, loadKafkaSecurity, type KafkaSecurity } from './kafka-security';

/** Where a service's Kafka traffic goes: brokers plus the (test-only) topic namespace. */
export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Prefix of every physical topic name; '' in production. */
  topicNamespace: string;
  partitions: number;
  /** Of the topics a service creates; 1 when unset (a single local broker). */
  replicationFactor?: number;
  minInsyncReplicas?: number;
  /** TLS and SASL (loadKafkaSecurity); absent: PLAINTEXT. */
  security?: KafkaSecurity;
}

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  /** TLS and SASL; omitted: read and validated from the environment (KAFKA_SSL…, KAFKA_SASL…). */
  security?: KafkaSecurity;
  logLevel?: logLevel;
  /** Where kafkajs logs; default its own console logger. */
  logCreator?: logCreator;
  retry?: RetryOptions;
}

/**
 * The one place a kafkajs client configuration is made: services, tools, benchmarks and tests all
 * come through here, so TLS and SASL apply to every connection the same way.
 */
export function kafkaClientConfig(options: KafkaClientOptions): KafkaConfig {
  const security = options.security ?? loadKafkaSecurity();
  return {
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: options.logLevel ?? logLevel.NOTHING,
    ...(options.logCreator && { logCreator: options.logCreator }),
    ...(options.retry && { retry: options.retry }),
    ...(security.ssl && { ssl: security.ssl }),
    ...(security.sasl && { sasl: security.sasl }),
  };
}

export function createKafkaClient(options: KafkaClientOptions): Kafka {
  fixKafkajsIdleTimer();
  return new Kafka(kafkaClientConfig(options));
}

/** A service's client: its settings' security, warnings logged, patient retries. */
export function createKafka(settings: KafkaSettings): Kafka {
  // Says how the service connects (never a secret): a wrong protocol is the commonest first-day problem.
  new Logger('Kafka').log(`${settings.clientId} → ${settings.brokers.join(',')} over ${describeKafkaSecurity(settings.security ?? {})}`);
  return createKafkaClient({
    clientId: settings.clientId,
    brokers: settings.brokers,
    security: settings.security ?? {},
    logLevel: logLevel.WARN,
    logCreator: kafkajsToNestLogger,
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

/** kafkajs's log entries through the service's logger (JSON, with its fields: broker, error, retry…). */
export const kafkajsToNestLogger: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ namespace, level, log }) => {
    const { message, timestamp: _time, logger: _name, ...fields } = log;
    const entry = { msg: message, namespace, ...fields };
    if (level === logLevel.ERROR) logger.error(entry);
    else if (level === logLevel.WARN) logger.warn(entry);
    else if (level === logLevel.INFO) logger.log(entry);
    else logger.debug(entry);
  };
};

/** Physical topic name of a contract topic. */
export function physicalTopic(settings: Pick<KafkaSettings, 'topicNamespace'>, topic: string): string {
  return settings.topicNamespace + topic;
}

/** Contract topic name of a physical topic (inverse of physicalTopic). */
export function logicalTopic(settings: Pick<KafkaSettings, 'topicNamespace'>, topic: string): string {
  return settings.topicNamespace && topic.startsWith(settings.topicNamespace) ? topic.slice(settings.topicNamespace.length) : topic;
}

/**
 * Creates the given contract topics and their dead-letter topics when missing, then waits until every
 * partition has a leader. The broker runs with auto-creation off so that a typo in a topic name fails
 * loudly. Services start concurrently and race to create the same topics: "already exists" counts as
 * success, and the wait covers a topic another service created a moment ago.
 */
export async function ensureTopics(kafka: Kafka, settings: KafkaSettings, topics: string[], withDeadLetters: string[] = [], timeoutMs = 60_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = [...new Set([...topics, ...withDeadLetters.map(deadLetterTopicOf)].map((t) => physicalTopic(settings, t)))];
    const compacted = new Set(COMPACTED_TOPICS.map((t) => physicalTopic(settings, t)));
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = wanted
      .filter((t) => !existing.has(t))
      .map((topic) => ({
        topic,
        numPartitions: settings.partitions,
        replicationFactor: settings.replicationFactor ?? 1,
        configEntries: [
          ...(settings.minInsyncReplicas ? [{ name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) }] : []),
          // The latest message of each key is kept for ever (rulebook versions, read whole at start).
          ...(compacted.has(topic) ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
        ],
      }));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing, waitForLeaders: false }).catch((error: unknown) => {
        if (!onlyAlreadyExists(error)) throw error;
      });
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = await admin
        .fetchTopicMetadata({ topics: wanted })
        .then((m) => m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`topics have no leader after ${timeoutMs} ms: ${wanted.join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** kafkajs reports topic creation as one aggregate error with one entry per topic. */
function onlyAlreadyExists(error: unknown): boolean {
  const e = error as { type?: string; errors?: { type?: string }[] };
  if (e?.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every((x) => x?.type === 'TOPIC_ALREADY_EXISTS');
}
