import { logLevel } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';
import type { ChaosInfrastructure } from './chaos-infrastructure';
import type { FaultPlan } from './chaos-options';
import type { FaultRecord } from './recovery-times';
import type { ReplicatedPlatform } from './replicated-platform';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Injects the planned faults one after another at their times (a fault waits for the previous one
 * to be over: the part it hit back and ready) and records when each began and ended.
 */
export class FaultRunner {
  readonly records: FaultRecord[] = [];

  constructor(
    private readonly platform: ReplicatedPlatform,
    private readonly infrastructure: ChaosInfrastructure,
    private readonly namespace: string,
    private readonly progress: (line: string) => void,
  ) {}

  /**
   * `behind` says what the pipeline still owes (null when it has caught up): a fault waits for the
   * previous one's backlog to drain (at most `settleMs` past its time), so each recovery is its own.
   */
  async run(faults: FaultPlan[], publishingStartedAt: number, behind: () => string | null, settleMs = 60_000): Promise<FaultRecord[]> {
    for (const [i, fault] of [...faults].sort((a, b) => a.at - b.at).entries()) {
      const due = publishingStartedAt + fault.at * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
      if (i > 0) await this.settle(behind, settleMs);
      const record: FaultRecord = { label: label(fault), kind: fault.kind, startedAt: Date.now() };
      this.records.push(record);
      this.progress(`fault: ${record.label}`);
      try {
        await this.inject(fault, record);
        record.backAt ??= Date.now();
        this.progress(`fault: ${record.label} over, back after ${((record.backAt - record.startedAt) / 1000).toFixed(1)} s`);
      } catch (error) {
        record.error = (error as Error).message.split('\n')[0];
        this.progress(`fault: ${record.label} FAILED: ${(error as Error).message}`);
      }
    }
    return this.records;
  }

  private async settle(behind: () => string | null, settleMs: number): Promise<void> {
    const until = Date.now() + settleMs;
    let owed = behind();
    if (owed === null) return;
    this.progress(`  waiting for the pipeline to catch up before the next fault (${owed})`);
    while (owed !== null && Date.now() < until) {
      await sleep(1_000);
      owed = behind();
    }
    if (owed !== null) this.progress(`  ! not caught up after ${settleMs / 1000} s (${owed}); injecting the next fault anyway`);
  }

  private async inject(fault: FaultPlan, record: FaultRecord): Promise<void> {
    switch (fault.kind) {
      case 'kill-replica': {
        const replica = this.platform.replica(fault.replica);
        await replica.kill();
        await sleep(1_000);
        await this.platform.restart(replica);
        return;
      }
      case 'stop-replica': {
        const replica = this.platform.replica(fault.replica);
        const before = await this.groupMembers().catch(() => new Map<string, number>());
        replica.pause();
        const until = Date.now() + fault.seconds * 1000;
        while (Date.now() < until) {
          await sleep(1_000);
          if (record.evictedAt !== undefined) continue;
          const now = await this.groupMembers().catch(() => undefined);
          if (now && [...before].some(([group, members]) => (now.get(group) ?? 0) < members)) {
            record.evictedAt = Date.now();
            this.progress(`  ${fault.replica} left its consumer group(s) ${((record.evictedAt - record.startedAt) / 1000).toFixed(1)} s after SIGSTOP`);
          }
        }
        replica.resume();
        if (record.evictedAt === undefined) this.progress(`  ! ${fault.replica} was not evicted from any consumer group during its ${fault.seconds} s SIGSTOP (session longer? use --stop-seconds)`);
        record.backAt = Date.now();
        return;
      }
      case 'kill-broker':
        await this.infrastructure.killBroker();
        await sleep(2_000);
        await this.infrastructure.startBroker();
        return;
      case 'kill-database':
        await this.infrastructure.killDatabase();
        await sleep(2_000);
        await this.infrastructure.startDatabase();
        return;
    }
  }

  /** Members per consumer group of the run's namespace, as the broker's group coordinator sees them. */
  private async groupMembers(): Promise<Map<string, number>> {
    const admin = createKafkaClient({ clientId: 'chaos-faults', brokers: [this.infrastructure.kafkaBrokers], logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      const ours = groups.map((g) => g.groupId).filter((g) => g.startsWith(this.namespace));
      const described = ours.length > 0 ? await admin.describeGroups(ours) : { groups: [] };
      return new Map(described.groups.map((g) => [g.groupId, g.members.length]));
    } finally {
      await admin.disconnect();
    }
  }
}

function label(fault: FaultPlan): string {
  switch (fault.kind) {
    case 'kill-replica':
      return `SIGKILL ${fault.replica}, then restart`;
    case 'stop-replica':
      return `SIGSTOP ${fault.replica} for ${fault.seconds} s, then SIGCONT`;
    case 'kill-broker':
      return 'broker killed -9, then restarted';
    case 'kill-database':
      return 'PostgreSQL stopped immediately (pg_ctl -m immediate), then restarted';
  }
}
