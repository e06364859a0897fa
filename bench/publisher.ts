// Publishes a benchmark's input the way platform systems do: CloudEvents keyed by merchant.
import { logLevel, Partitioners, type Message, type Producer } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';
import type { ViolationEvent } from './event-set';

const BURST_CHUNK = 1000;
const PACED_TICKS_PER_SECOND = 20;

export interface Publication {
  /** When each event's send began (ms since epoch), by event id. */
  publishedAt: Map<string, number>;
  firstAt: number;
  lastAt: number;
}

export class Publisher {
  private producer?: Producer;

  constructor(private readonly brokers: string) {}

  async start(): Promise<void> {
    const kafka = createKafkaClient({ clientId: 'bench-publisher', brokers: this.brokers.split(','), logLevel: logLevel.NOTHING });
    // The same producer settings as the testing lib's PipelineStack (and the platform's own producers).
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
  }

  /** kafkajs gives up on a retriable error after a few tries (a topic created a moment ago, say); the publisher insists, briefly. */
  private async send(topic: string, messages: Message[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.producer!.send({ topic, acks: -1, messages });
        return;
      } catch (error) {
        const e = error as { retriable?: boolean; cause?: { retriable?: boolean } };
        if (attempt >= 10 || !(e.retriable || e.cause?.retriable)) throw error;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
  }

  /**
   * rate 0: everything at once, in sends of 1,000; otherwise `rate` events/s in 20 sends a second,
   * each due at its own time (a late send does not shift the ones after it).
   */
  async publish(topic: string, events: ViolationEvent[], rate: number): Promise<Publication> {
    const publishedAt = new Map<string, number>();
    const chunk = rate > 0 ? Math.max(1, Math.round(rate / PACED_TICKS_PER_SECOND)) : BURST_CHUNK;
    const messages = events.map((e) => ({ key: e.subject, value: JSON.stringify(e), headers: { 'content-type': 'application/cloudevents+json' } }));
    const firstAt = Date.now();
    let lastAt = firstAt;
    for (let i = 0; i < events.length; i += chunk) {
      if (rate > 0) {
        const due = firstAt + (i / rate) * 1000;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      lastAt = Date.now();
      for (const e of events.slice(i, i + chunk)) publishedAt.set(e.id, lastAt);
      await this.send(topic, messages.slice(i, i + chunk));
    }
    return { publishedAt, firstAt, lastAt };
  }
}
