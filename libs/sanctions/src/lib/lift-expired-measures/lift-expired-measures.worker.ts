import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { buildCloudEvent, EventTypes, Topics, type SanctionLiftedV1 } from '@penalty/contracts';
import { formatShanghai, type Clock } from '@penalty/domain';
import { TransactionRunner } from '@penalty/messaging';
import { CLOCK, DueWorkLoop } from '@penalty/runtime';
import { MeasureExpiryAlarm } from '../measure-expiry.alarm';
import { SANCTION_SOURCE } from '../sanction-source';
import { SanctionRepository, type DueMeasure } from '../sanction.repository';

const BATCH = 200;

/**
 * Lifts timed measures when their end passes. The due measures live in PostgreSQL, so a restart loses
 * nothing; each lift and its sanction.lifted.v1 event are written in one transaction, and rows locked
 * with SKIP LOCKED are never lifted twice by concurrent replicas. Idle, it sleeps until the next end
 * (woken early when this process imposes a measure that ends sooner).
 */
@Injectable()
export class LiftExpiredMeasuresWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: DueWorkLoop;

  constructor(
    private readonly runner: TransactionRunner,
    private readonly sanctions: SanctionRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    alarm: MeasureExpiryAlarm,
  ) {
    alarm.onEarlierEnd((endsAt) => this.loop.wake(endsAt));
    this.loop = new DueWorkLoop(LiftExpiredMeasuresWorker.name, async () => {
      const lifted = await this.liftDue();
      return { more: lifted >= BATCH, nextDueAt: await this.sanctions.nextEnd(this.runner.dataSource) };
    }, clock);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Lifts every measure due at the clock's now (up to one batch); returns how many were lifted. */
  async liftDue(batchSize = BATCH): Promise<number> {
    const now = this.clock.now();
    // A plain read of what is due; the transaction locks those rows, skipping those another replica holds.
    const peeked = await this.sanctions.peekDue(this.runner.dataSource, now, batchSize);
    if (peeked.length === 0) return 0;
    return this.runner.run(async (tx) => {
      const due = await this.sanctions.expire(tx, peeked.map((m) => m.id), now);
      // One sanction.lifted.v1 per sanction and end time: measures of a node that run out together lift together.
      const groups = new Map<string, DueMeasure[]>();
      for (const m of due) {
        const key = `${m.sanctionId}|${m.endsAt.toISOString()}`;
        groups.set(key, [...(groups.get(key) ?? []), m]);
      }
      for (const measures of groups.values()) {
        const { sanctionId, merchantId, endsAt } = measures[0];
        const data: SanctionLiftedV1 = { sanctionId, merchantId, measureTypes: measures.map((m) => m.type), reason: 'EXPIRED', liftedAt: formatShanghai(endsAt) };
        tx.publish(Topics.SanctionsDecidedV1, buildCloudEvent({ type: EventTypes.SanctionLiftedV1, source: SANCTION_SOURCE, subject: merchantId, data, time: now }));
      }
      return due.length;
    });
  }
}
