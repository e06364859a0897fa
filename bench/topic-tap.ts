// Reads a benchmark's output topics from the beginning and keeps, per message, what the figures need.
import { logLevel, type Consumer } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';

export interface Tapped {
  topic: string;
  /** Producer timestamp of the message (ms since epoch): when the hop handed it to Kafka. */
  timestamp: number;
  /** The CloudEvent, parsed. */
  event: { id: string; type: string; subject: string; time: string; data: Record<string, any> };
}

/**
 * A consumer of its own group on the output topics. Lighter than the testing lib's TopicRecorder
 * (batches, every partition at once), because it shares the machine with the system being measured.
 */
export class TopicTap {
  private consumer?: Consumer;
  private listeners = new Set<(m: Tapped) => void>();
  readonly received = new Map<string, number>();

  constructor(
    private readonly brokers: string,
    private readonly topics: string[],
    private readonly keep: (m: Tapped) => boolean = () => true,
  ) {}

  async start(): Promise<void> {
    const kafka = createKafkaClient({ clientId: 'bench-tap', brokers: this.brokers.split(','), logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `bench-tap-${Date.now()}-${Math.random().toString(16).slice(2)}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    const joined = new Promise<void>((resolve) => this.consumer!.on(this.consumer!.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      partitionsConsumedConcurrently: 64,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          this.received.set(batch.topic, (this.received.get(batch.topic) ?? 0) + 1);
          let event: Tapped['event'];
          try {
            event = JSON.parse(message.value?.toString('utf8') ?? '');
          } catch {
            continue;
          }
          const tapped = { topic: batch.topic, timestamp: Number(message.timestamp), event };
          if (!this.keep(tapped)) continue;
          for (const listener of this.listeners) listener(tapped);
        }
      },
    });
    await joined;
  }

  /** Calls `listener` with every kept message from now on. */
  subscribe(listener: (m: Tapped) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
