import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { buildCloudEvent, EventTypes, Topics, type SanctionLiftedV1 } from '@penalty/contracts';
import { formatShanghai, type Clock, type MeasureType } from '@penalty/domain';
import { appendEventToOutbox, OutboxRelay } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { SANCTION_SOURCE } from './sanction-source';

interface DueMeasure {
  id: string;
  sanction_id: string;
  merchant_id: string;
  type: MeasureType;
  ends_at: Date;
}

/**
 * Lifts timed measures when their end passes. The due measures live in PostgreSQL, so a restart loses
 * nothing; each lift and its sanction.lifted.v1 event are written in one transaction, and rows locked
 * with SKIP LOCKED are never lifted twice by concurrent replicas.
 */
@Injectable()
export class LiftExpiredMeasuresWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiftExpiredMeasuresWorker.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.liftDue().catch((e: Error) => this.logger.warn(`lift failed: ${e.message}`)).then(() => (this.running = undefined));
    }, 500);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Lifts every measure due at the clock's now; returns how many were lifted. */
  async liftDue(batchSize = 200): Promise<number> {
    const now = this.clock.now();
    const lifted = await this.dataSource.transaction(async (manager) => {
      const due: DueMeasure[] = await manager.query(
        `SELECT id, sanction_id, merchant_id, type, ends_at FROM measure
         WHERE lifted_at IS NULL AND ends_at <= $1 ORDER BY ends_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, batchSize],
      );
      if (due.length === 0) return 0;
      await manager.query(`UPDATE measure SET lifted_at = ends_at, lift_reason = 'EXPIRED' WHERE id = ANY($1::bigint[])`, [due.map((m) => m.id)]);
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
        await appendEventToOutbox(
          manager,
          Topics.SanctionsDecidedV1,
          buildCloudEvent({ type: EventTypes.SanctionLiftedV1, source: SANCTION_SOURCE, subject: merchant_id, data, time: now }),
        );
      }
      return due.length;
    });
    if (lifted > 0) this.relay.nudge();
    return lifted;
  }
}
