import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { ACCESS_REVOCATIONS_TOPIC, parseAccessRevocation, type SessionRevocations } from '@penalty/auth';
import type { ReadinessRegistry } from '@penalty/runtime';
import { ensureTopics, physicalTopic, type KafkaSettings } from './kafka-connection';
import { endOffsetsWhenKnown, subscribeWhenKnown } from './subscribe-when-known';

/**
 * Feeds the service's SessionRevocations from the internal revocations topic, read whole by every
 * process (its own consumer group, from the beginning: the topic only holds hours of sign-outs and
 * disablings). The service is not ready until it has read what was there when it started, so a
 * restarted service never honours a session that was ended before.
 */
export class AccessRevocationsFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccessRevocationsFeed.name);
  private consumer?: Consumer;
  private caughtUp = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly revocations: SessionRevocations,
    private readonly readiness: ReadinessRegistry,
    private readonly catchUpTimeoutMs = 30_000,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, this.settings, [ACCESS_REVOCATIONS_TOPIC]);
    const topic = physicalTopic(this.settings, ACCESS_REVOCATIONS_TOPIC);
    this.readiness.register({
      name: 'access-revocations',
      check: async () => {
        if (!this.caughtUp) throw new Error('still reading ended sessions');
      },
    });
    // What must be read before serving: each partition up to its end at start.
    const remaining = await endOffsetsWhenKnown(this.kafka, topic, this.catchUpTimeoutMs);
    let markCaughtUp!: () => void;
    const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
    const check = () => {
      if (remaining.size === 0 && !this.caughtUp) {
        this.caughtUp = true;
        markCaughtUp();
      }
    };
    this.consumer = this.kafka.consumer({ groupId: `${this.settings.topicNamespace}${this.settings.clientId}-access-revocations-${randomUUID()}` });
    await this.consumer.connect();
    await subscribeWhenKnown(this.consumer, [topic]);
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const revocation = parseAccessRevocation(message.value?.toString() ?? '');
        if (revocation) this.revocations.apply(revocation);
        else this.logger.warn(`ignored a message that is no access revocation at ${partition}@${message.offset}`);
        const end = remaining.get(partition);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) remaining.delete(partition);
        check();
      },
    });
    check();
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.catchUpTimeoutMs).unref());
    if ((await Promise.race([caughtUp, timeout])) === 'timeout') this.logger.warn(`not caught up with ${topic} after ${this.catchUpTimeoutMs} ms; not ready until it is`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
