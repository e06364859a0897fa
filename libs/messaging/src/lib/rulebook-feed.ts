import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { EventTypes, parseCloudEvent, Topics, type CloudEvent, type RulebookVersionUpdatedV1 } from '@penalty/contracts';
import { contentHashOf, DomainError, RuleBook, validateRuleData, type RuleData, type RulebookVersion, type VersionRef } from '@penalty/domain';
import type { ReadinessRegistry } from '@penalty/runtime';
import { ensureTopics, physicalTopic, type KafkaSettings } from './kafka-connection';
import { endOffsetsWhenKnown, subscribeWhenKnown } from './subscribe-when-known';

/**
 * Thrown while a service cannot yet tell whether a version exists (its feed cannot reach the topic's
 * end): trying again later can help, so the transport never dead-letters for it.
 */
export class RulebookNotCaughtUp extends Error {
  readonly transient = true;
}

/** What a handler asks of the rulebook feed (RulebookFeed; ALWAYS_CURRENT where a test feeds the RuleBook itself). */
export interface RulebookAwareness {
  current(): Promise<void>;
  awaitKnown(refs: readonly VersionRef[]): Promise<void>;
}

export const ALWAYS_CURRENT: RulebookAwareness = { current: () => Promise.resolve(), awaitKnown: () => Promise.resolve() };

/** A version as rules.versions.v1 carries it, checked: valid rule data, hashing to its contentHash. */
export function versionOfEvent(data: RulebookVersionUpdatedV1): RulebookVersion | string {
  const problems = validateRuleData(data.ruleData);
  if (problems.length > 0) return `invalid rule data: ${problems.slice(0, 5).map((p) => `${p.field}: ${p.message}`).join('; ')}`;
  const ruleData = data.ruleData as unknown as RuleData;
  if (contentHashOf(ruleData) !== data.contentHash) return `rule data does not hash to ${data.contentHash}`;
  const at = new Date(data.updatedAt);
  return {
    marketplace: data.marketplace,
    versionId: data.versionId,
    effectiveFrom: data.effectiveFrom,
    ruleData,
    contentHash: data.contentHash,
    status: data.status,
    origin: data.origin,
    author: data.author,
    contributors: data.contributors,
    approver: data.approver ?? null,
    leadTimeDays: data.leadTimeDays,
    basedOn: null,
    createdAt: at,
    updatedAt: at,
    approvedAt: null,
    announcedAt: null,
    withdrawnAt: null,
    withdrawnBy: null,
    withdrawalReason: null,
  };
}

/**
 * Feeds the service's RuleBook from rules.versions.v1 (compacted: every version's latest state), read
 * whole by every process (its own consumer group, from the beginning). The service is not ready, and
 * judges nothing, until it has read what was on the topic when it started (`current`). A decision that
 * names a version the feed does not know yet waits for it (`awaitKnown`): the feed reads up to the
 * topic's end as of that moment; a version still unknown then does not exist (RuleBook.ofVersion
 * refuses it: dead-lettered like any rule refusal), and while the end cannot be reached the wait is
 * transient (RulebookNotCaughtUp: the batch is tried again later, nothing is dead-lettered). A
 * service never judges by a version another service of the same decision used without knowing it:
 * the decision names the version, and the later service waits for it.
 */
export class RulebookFeed implements RulebookAwareness, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RulebookFeed.name);
  private consumer?: Consumer;
  private topic = '';
  /** Next offset to read, per partition. */
  private readonly positions = new Map<number, bigint>();
  private readonly caughtUp: Promise<void>;
  private markCaughtUp!: () => void;
  private isCaughtUp = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly rules: RuleBook,
    private readonly readiness: ReadinessRegistry,
    private readonly timeoutMs = 30_000,
  ) {
    this.caughtUp = new Promise<void>((resolve) => (this.markCaughtUp = resolve));
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, this.settings, [Topics.RulesVersionsV1]);
    this.topic = physicalTopic(this.settings, Topics.RulesVersionsV1);
    this.readiness.register({
      name: 'rulebooks',
      check: async () => {
        if (!this.isCaughtUp) throw new Error('still reading the rulebook versions');
      },
    });
    const ends = await this.endOffsets();
    this.consumer = this.kafka.consumer({ groupId: `${this.settings.topicNamespace}${this.settings.clientId}-rulebooks-${randomUUID()}` });
    await this.consumer.connect();
    await subscribeWhenKnown(this.consumer, [this.topic]);
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        this.apply(partition, message.offset, message.value);
        this.positions.set(partition, BigInt(message.offset) + 1n);
        for (const wake of [...this.waiters]) wake();
      },
    });
    // Not awaited beyond the timeout: the service starts, reports not ready, and judges nothing until it has.
    void this.readTo(ends, this.timeoutMs * 10).then(() => {
      this.isCaughtUp = true;
      this.markCaughtUp();
    }, (error: unknown) => this.logger.error(`could not read ${this.topic}: ${(error as Error).message}`));
  }

  /**
   * Resolves once what was on the topic when the service started has been read; throws
   * RulebookNotCaughtUp (transient: the batch is tried again later) when that takes longer than the
   * timeout, so a batch never waits without end inside its transaction.
   */
  current(): Promise<void> {
    if (this.isCaughtUp) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new RulebookNotCaughtUp(`${this.topic || Topics.RulesVersionsV1} not read to its end within ${this.timeoutMs} ms of the service's start`)), this.timeoutMs);
      void this.caughtUp.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Resolves when every version is known (at once when they are). Otherwise reads to the topic's end
   * as of now, then resolves: a version still unknown does not exist, and the caller's RuleBook.ofVersion
   * refuses it (RULES.UNKNOWN_VERSION, for that event alone). Throws RulebookNotCaughtUp when the end
   * cannot be reached within the timeout.
   */
  async awaitKnown(refs: readonly VersionRef[]): Promise<void> {
    await this.current();
    if (refs.every((ref) => this.rules.knows(ref))) return;
    const ends = await this.endOffsets().catch((error: unknown) => {
      throw new RulebookNotCaughtUp(`cannot reach ${this.topic}: ${(error as Error).message}`);
    });
    await this.readTo(ends, this.timeoutMs);
  }

  private apply(partition: number, offset: string, value: Buffer | null): void {
    if (value === null) return;
    const parsed = parseCloudEvent(value, { expectedTypes: [EventTypes.RulebookVersionUpdatedV1] });
    if (!parsed.ok) {
      this.logger.error(`ignored a message that is no rulebook version at ${partition}@${offset}: ${parsed.reason}`);
      return;
    }
    const version = versionOfEvent((parsed.event as CloudEvent<RulebookVersionUpdatedV1>).data);
    if (typeof version === 'string') {
      this.logger.error(`ignored rulebook version ${(parsed.event as CloudEvent<RulebookVersionUpdatedV1>).subject} at ${partition}@${offset}: ${version}`);
      return;
    }
    try {
      this.rules.learn(version);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.logger.error(`ignored rulebook version ${version.marketplace}/${version.versionId}: ${error.message}`);
    }
  }

  /** Waits until every partition has been read up to `ends`. */
  private readTo(ends: Map<number, bigint>, timeoutMs: number): Promise<void> {
    const reached = () => [...ends].every(([partition, end]) => (this.positions.get(partition) ?? 0n) >= end);
    if (reached()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new RulebookNotCaughtUp(`${this.topic} not read to its end within ${timeoutMs} ms`));
      }, timeoutMs);
      const wake = () => {
        if (!reached()) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }

  /** Each partition's end (the next offset to be written); a partition with nothing in it needs no reading. */
  private endOffsets(): Promise<Map<number, bigint>> {
    return endOffsetsWhenKnown(this.kafka, this.topic, this.timeoutMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
