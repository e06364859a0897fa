import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { buildCloudEvent, EventTypes, Topics, type SanctionLiftedV1 } from '@penalty/contracts';
import { formatShanghai, type Clock, type MeasureType } from '@penalty/domain';
import { TransactionRunner } from '@penalty/messaging';
import { CLOCK, DueWorkLoop } from '@penalty/runtime';
import { SanctionBook } from './sanction-book';
import { SANCTION_SOURCE } from './sanction-source';

interface DueMeasure {
  id: string;
  sanction_id: string;
  merchant_id: string;
  type: MeasureType;
  ends_at: Date;
}

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
    @Inject(CLOCK) private readonly clock: Clock,
    sanctions: SanctionBook,
  ) {
    sanctions.onTimedMeasuresImposed((endsAt) => this.loop.wake(endsAt));
    this.loop = new DueWorkLoop(LiftExpiredMeasuresWorker.name, async () => {
      const lifted = await this.liftDue();
      const [{ next }]: { next: Date | null }[] = await this.runner.dataSource.query('SELECT min(ends_at) AS next FROM measure WHERE lifted_at IS NULL AND ends_at IS NOT NULL');
      return { more: lifted >= BATCH, nextDueAt: next ? new Date(next) : null };
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
    // Lanes first: the due measures' merchants, then the rows (locked again, skipping those another replica holds).
    const peeked: { id: string; merchant_id: string }[] = await this.runner.dataSource.query(
      'SELECT id, merchant_id FROM measure WHERE lifted_at IS NULL AND ends_at <= $1 ORDER BY ends_at, id LIMIT $2',
      [now, batchSize],
    );
    if (peeked.length === 0) return 0;
    return this.runner.run(peeked.map((m) => m.merchant_id), async (tx) => {
      const due = await tx.query<DueMeasure>(
        `SELECT id, sanction_id, merchant_id, type, ends_at FROM measure
         WHERE id = ANY($1::bigint[]) AND lifted_at IS NULL AND ends_at <= $2 ORDER BY ends_at, id FOR UPDATE SKIP LOCKED`,
        [peeked.map((m) => m.id), now],
      );
      if (due.length === 0) return 0;
      await tx.query(`UPDATE measure SET lifted_at = ends_at, lift_reason = 'EXPIRED' WHERE id = ANY($1::bigint[])`, [due.map((m) => m.id)]);
      // One sanction.lifted.v1 per sanction and end time: measures of a node that run out together lift together.
      const groups = new Map<string, DueMeasure[]>();
      for (const m of due) {
        const key = `${m.sanction_id}|${new Date(m.ends_at).toISOString()}`;
        groups.set(key, [...(groups.get(key) ?? []), m]);
      }
      for (const measures of groups.values()) {
        const { sanction_id, merchant_id, ends_at } = measures[0];
        const data = {
          sanctionId: sanction_id,
          merchantId: merchant_id,
          measureTypes: measures.map((m) => m.type),
          reason: 'EXPIRED',
          liftedAt: formatShanghai(new Date(ends_at)),
        } as SanctionLiftedV1;
        tx.publish(Topics.SanctionsDecidedV1, buildCloudEvent({ type: EventTypes.SanctionLiftedV1, source: SANCTION_SOURCE, subject: merchant_id, data, time: now }));
      }
      return due.length;
    });
  }
}
