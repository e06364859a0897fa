import { logLevel, Partitioners, type Producer } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';
import type { PlannedMessage } from './event-plan';
import { PublicTopics } from './outcome-recorder';

const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
const TICK_MS = 100;

export interface PublishedCounts {
  planned: number;
  acknowledged: number;
  kafkaRetries: number;
  httpRetries: number;
  /** Valid events that an api replica refused with a 4xx other than 429 (never retried). */
  httpRefused: { violationId: string; status: number; body: string }[];
}

/**
 * Publishes the plan at a steady rate, as platform systems do: on Kafka (key = merchant id, acks from
 * every in-sync replica, idempotent producer) and, for the HTTP lane, POST /v1/violations on either api
 * replica. Nothing is given up: a send that fails is sent again until it is acknowledged, and the time
 * spent failing shifts the schedule rather than turning into a burst. What was acknowledged, and
 * when, is kept for the checks.
 */
export class SteadyPublisher {
  /** Acknowledgement time by violationId (violations), marker (poison) or CloudEvent id (profiles). */
  readonly acknowledged = new Map<string, number>();
  readonly counts: PublishedCounts = { planned: 0, acknowledged: 0, kafkaRetries: 0, httpRetries: 0, httpRefused: [] };
  private producer?: Producer;
  private httpQueue: PlannedMessage[] = [];
  private httpWorkers: Promise<void>[] = [];
  private publishing = true;
  private nextHttpReplica = 0;
  private failing = false;

  constructor(
    private readonly brokers: string,
    private readonly namespace: string,
    private readonly apiBaseUrls: () => string[],
    private readonly apiKey: string,
    private readonly progress: (line: string) => void,
  ) {}

  /** Publishes every message of `plan` at `rate` per second; resolves when all are acknowledged. */
  async publish(plan: PlannedMessage[], rate: number): Promise<void> {
    this.counts.planned = plan.length;
    this.httpWorkers = Array.from({ length: 4 }, () => this.httpWorker());
    let base = Date.now();
    let sent = 0;
    while (sent < plan.length) {
      const due = Math.min(plan.length, Math.floor(((Date.now() - base) / 1000) * rate) + 1);
      if (due > sent) {
        const chunk = plan.slice(sent, due);
        const started = Date.now();
        const retried = await this.sendKafka(chunk.filter((m) => !isHttp(m)));
        for (const m of chunk) if (isHttp(m)) this.httpQueue.push(m);
        sent = due;
        // An outage moves the schedule on instead of bursting what was due during it.
        if (retried) base += Date.now() - started;
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    this.publishing = false;
    await Promise.all(this.httpWorkers);
    await this.producer?.disconnect().catch(() => undefined);
  }

  /** Sends until acknowledged; true when it had to retry. */
  private async sendKafka(messages: PlannedMessage[]): Promise<boolean> {
    if (messages.length === 0) return false;
    const byTopic = new Map<string, { key: string | null; value: string; headers: Record<string, string> }[]>();
    for (const m of messages) {
      const topic = this.namespace + (m.kind === 'profile' ? PublicTopics.profiles : PublicTopics.violations);
      const record = m.kind === 'poison' ? { key: m.key, value: m.value } : { key: m.event.subject, value: JSON.stringify(m.event) };
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), { ...record, headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } }]);
    }
    let retried = false;
    for (;;) {
      try {
        const producer = await this.connectedProducer();
        await producer.sendBatch({ acks: -1, timeout: 10_000, topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })) });
        const at = Date.now();
        for (const m of messages) this.ack(m, at);
        if (this.failing) this.progress(`  publisher: acknowledged again after retrying`);
        this.failing = false;
        return retried;
      } catch (error) {
        retried = true;
        this.counts.kafkaRetries++;
        if (!this.failing) this.progress(`  publisher: send failed (${(error as Error).message}); retrying until acknowledged`);
        this.failing = true;
        // A fresh producer after a failure: the old one may hold connections to a broker that is gone.
        const old = this.producer;
        this.producer = undefined;
        await old?.disconnect().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const kafka = createKafkaClient({ clientId: 'chaos-feed', brokers: this.brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 3 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async httpWorker(): Promise<void> {
    for (;;) {
      const m = this.httpQueue.shift();
      if (!m) {
        if (!this.publishing) return;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      if (m.kind !== 'violation' && m.kind !== 'same-event') continue;
      for (let attempt = 0; ; attempt++) {
        const urls = this.apiBaseUrls();
        const url = urls[this.nextHttpReplica++ % urls.length];
        try {
          const response = await fetch(`${url}/v1/violations`, {
            method: 'POST',
            headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, 'x-api-key': this.apiKey },
            body: JSON.stringify(m.event),
            signal: AbortSignal.timeout(10_000),
          });
          const body = await response.text();
          if (response.status === 202) {
            this.ack(m, Date.now());
            break;
          }
          if (response.status >= 400 && response.status < 500 && response.status !== 429 && response.status !== 408) {
            this.counts.httpRefused.push({ violationId: m.event.data.violationId, status: response.status, body: body.slice(0, 300) });
            break;
          }
        } catch {
          // the replica is down or frozen: the next attempt goes to the other one
        }
        this.counts.httpRetries++;
        await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * (attempt + 1))));
      }
    }
  }

  private ack(m: PlannedMessage, at: number): void {
    const key = m.kind === 'poison' ? m.marker : m.kind === 'profile' ? m.event.id : m.event.data.violationId;
    if (!this.acknowledged.has(key)) this.acknowledged.set(key, at);
    this.counts.acknowledged++;
  }

  /** Messages handed to the HTTP lane but not yet acknowledged. */
  get httpBacklog(): number {
    return this.httpQueue.length;
  }
}

function isHttp(m: PlannedMessage): boolean {
  return (m.kind === 'violation' || m.kind === 'same-event') && m.lane === 'http';
}
