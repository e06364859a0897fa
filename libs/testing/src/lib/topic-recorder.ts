import { logLevel, type Consumer } from 'kafkajs';
import { createKafkaClient, type KafkaSecurity } from '@penalty/messaging';

export interface RecordedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
  /** Broker/producer timestamp of the message (ms since epoch). */
  timestamp: number;
  /** The parsed value when it is JSON, else undefined. */
  json?: { id: string; type: string; subject: string; time: string; data: Record<string, any> } & Record<string, any>;
}

/** Reads topics from the beginning with a fresh consumer group and keeps every message, for assertions. */
export class TopicRecorder {
  readonly messages: RecordedMessage[] = [];
  private consumer?: Consumer;

  constructor(
    private readonly brokers: string,
    private readonly topics: string[],
    /** TLS/SASL of the brokers; omitted: the environment's (KAFKA_SSL…, KAFKA_SASL…). */
    private readonly security?: KafkaSecurity,
  ) {}

  async start(): Promise<void> {
    const kafka = createKafkaClient({ clientId: 'topic-recorder', brokers: this.brokers.split(','), security: this.security, logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `recorder-${Date.now()}-${Math.random().toString(16).slice(2)}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    let joined!: () => void;
    const hasJoined = new Promise<void>((resolve) => (joined = resolve));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => joined());
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const value = message.value?.toString('utf8') ?? '';
        let json: RecordedMessage['json'];
        try {
          json = JSON.parse(value);
        } catch {
          json = undefined;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
        this.messages.push({ topic, partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, value, headers, timestamp: Number(message.timestamp), json });
      },
    });
    await hasJoined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  /** Messages matching `predicate`, waiting until at least `count` are there (or failing with what was seen). */
  async waitFor(predicate: (m: RecordedMessage) => boolean, count = 1, timeoutMs = 60_000): Promise<RecordedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter(predicate);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} matching message(s), found ${found.length} after ${timeoutMs} ms; seen ${this.messages.length} in all`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  matching(predicate: (m: RecordedMessage) => boolean): RecordedMessage[] {
    return this.messages.filter(predicate);
  }
}
