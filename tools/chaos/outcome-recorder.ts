import { logLevel, type Consumer } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';

/** The public topics of the contract (../shared/contracts/events.md), by their contract names. */
export const PublicTopics = {
  violations: 'violations.detected.v1',
  profiles: 'merchants.profiles.v1',
  penalties: 'penalties.assessed.v1',
  sanctions: 'sanctions.decided.v1',
  notifications: 'notifications.sent.v1',
} as const;

interface Coordinates {
  partition: number;
  offset: number;
  /** The message's timestamp (the producer's create time, ms). */
  ts: number;
}

export interface InputMessage extends Coordinates {
  key: string | null;
  value: string;
}

export interface PenaltyMessage extends Coordinates {
  id: string;
  type: string;
  violationId: string;
  merchantId: string;
  track: string;
  points: number;
  waiver: string | null;
  naturalYear: number;
  totals: { general: number; serious: number };
}

export interface SanctionMessage extends Coordinates {
  id: string;
  type: string;
  merchantId: string;
  cause: { kind: string; track?: string; node?: number; naturalYear?: number; violationIds?: string[] } | null;
}

export interface NotificationMessage extends Coordinates {
  id: string;
  notificationId: string;
  merchantId: string;
  channel: string;
  template: string;
  causeEventId: string;
  status: string;
}

export interface DeadLetterMessage extends Coordinates {
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * Reads the run's topics from the beginning and keeps what the checks need from each message. It
 * reads through broker restarts: a message read again after one (offsets not yet committed) is
 * recognised by its partition and offset and kept once.
 */
export class OutcomeRecorder {
  readonly violations: InputMessage[] = [];
  readonly profiles: InputMessage[] = [];
  readonly penalties: PenaltyMessage[] = [];
  readonly sanctions: SanctionMessage[] = [];
  readonly notifications: NotificationMessage[] = [];
  readonly deadLetters: DeadLetterMessage[] = [];
  /** Messages whose value the recorder could not read as the contract says (outputs only). */
  readonly malformedOutputs: { topic: string; partition: number; offset: number; value: string }[] = [];
  private readonly highest = new Map<string, number>();
  private consumer?: Consumer;
  private lastFetch = Date.now();
  private watchdog?: NodeJS.Timeout;
  private replacing = false;
  private stopped = false;
  /** One group for the recorder's whole life: a replacement consumer goes on from the committed offsets. */
  private readonly groupId = `chaos-recorder-${Date.now()}-${Math.random().toString(16).slice(2)}`;

  constructor(
    private readonly brokers: string,
    private readonly namespace: string,
    private readonly deadLetterTopics: string[],
    private readonly progress: (line: string) => void,
  ) {}

  private physical(topic: string): string {
    return this.namespace + topic;
  }

  async start(): Promise<void> {
    await this.startConsumer();
    // kafkajs restarts a crashed consumer by itself; one that stays silent anyway is replaced.
    this.watchdog = setInterval(() => {
      if (!this.replacing && !this.stopped && Date.now() - this.lastFetch > 90_000) void this.replace('no fetch for 90 s');
    }, 5_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    await this.consumer?.disconnect().catch(() => undefined);
  }

  /** The highest offset read, per partition of a contract topic (or a dead-letter topic's physical name). */
  readUpTo(physicalTopic: string, partition: number): number {
    return this.highest.get(`${physicalTopic}/${partition}`) ?? -1;
  }

  private async replace(reason: string): Promise<void> {
    this.replacing = true;
    this.progress(`  recorder: replacing its consumer (${reason})`);
    try {
      await Promise.race([this.consumer?.disconnect(), new Promise((r) => setTimeout(r, 5_000))]).catch(() => undefined);
      await this.startConsumer();
    } catch (error) {
      this.progress(`  recorder: could not start a consumer (${(error as Error).message}); will retry`);
      this.lastFetch = 0;
    } finally {
      this.replacing = false;
    }
  }

  private async startConsumer(): Promise<void> {
    const kafka = createKafkaClient({ clientId: 'chaos-recorder', brokers: this.brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10 } });
    // Read from the beginning once; what a replacement reads again is skipped by the offsets above.
    const consumer = kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 200 });
    this.consumer = consumer;
    this.lastFetch = Date.now();
    consumer.on(consumer.events.FETCH, () => (this.lastFetch = Date.now()));
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart && !this.stopped) void this.replace(`crashed: ${event.payload.error.message}`);
    });
    await consumer.connect();
    const topics = [...Object.values(PublicTopics).map((t) => this.physical(t)), ...this.deadLetterTopics];
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const message of batch.messages) {
          this.take(batch.topic, batch.partition, message.offset, message.timestamp, message.key, message.value, message.headers ?? {});
          resolveOffset(message.offset);
        }
        await heartbeat();
      },
    });
  }

  private take(topic: string, partition: number, offsetText: string, timestamp: string, keyBuffer: Buffer | null, valueBuffer: Buffer | null, rawHeaders: Record<string, unknown>): void {
    const offset = Number(offsetText);
    const at = `${topic}/${partition}`;
    if (offset <= (this.highest.get(at) ?? -1)) return;
    this.highest.set(at, offset);
    const base = { partition, offset, ts: Number(timestamp) };
    const key = keyBuffer?.toString('utf8') ?? null;
    const value = valueBuffer?.toString('utf8') ?? '';
    const logical = topic.slice(this.namespace.length);
    if (logical === PublicTopics.violations) return void this.violations.push({ ...base, key, value });
    if (logical === PublicTopics.profiles) return void this.profiles.push({ ...base, key, value });
    if (logical.endsWith('.dlq')) {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(rawHeaders)) headers[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
      return void this.deadLetters.push({ ...base, topic: logical, key, value, headers });
    }
    let event: { id: string; type: string; data: Record<string, any> };
    try {
      event = JSON.parse(value);
      if (typeof event.id !== 'string' || typeof event.data !== 'object' || event.data === null) throw new Error('not a CloudEvent');
    } catch {
      this.malformedOutputs.push({ topic: logical, partition, offset, value: value.slice(0, 300) });
      return;
    }
    const d = event.data;
    if (logical === PublicTopics.penalties) {
      this.penalties.push({
        ...base, id: event.id, type: event.type, violationId: d.violationId, merchantId: d.merchantId, track: d.track, points: d.points,
        waiver: d.waiver ?? null, naturalYear: d.naturalYear, totals: { general: d.totals?.general, serious: d.totals?.serious },
      });
    } else if (logical === PublicTopics.sanctions) {
      this.sanctions.push({ ...base, id: event.id, type: event.type, merchantId: d.merchantId, cause: d.cause ?? null });
    } else if (logical === PublicTopics.notifications) {
      this.notifications.push({
        ...base, id: event.id, notificationId: d.notificationId, merchantId: d.merchantId, channel: d.channel, template: d.template, causeEventId: d.causeEventId, status: d.status,
      });
    }
  }
}
