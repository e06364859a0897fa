import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '@penalty/domain';
import type { PipelineMetrics } from '@penalty/runtime';
import { appendToOutbox } from './outbox';
import { deadLetterEntry } from './dead-letter';
import { isRejection, type InboundBatch, type InboundEvent } from './inbound-batch';

/** Applies one event's state change and queues what it publishes, inside the given transaction. */
export type ApplyEvent = (manager: EntityManager, inbound: InboundEvent) => Promise<void>;

export interface BatchResult {
  applied: number;
  duplicates: number;
  rejected: number;
}

/**
 * Applies a batch in ONE database transaction: each event's id is recorded in processed_event with
 * its state change, so a redelivered event is skipped; a rejected event is rolled back to its savepoint
 * and dead-lettered through the outbox in the same transaction. Any other error aborts the whole batch
 * (nothing is half-applied) and is left to the transport's retry policy.
 */
export class TransactionalInbox {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly metrics: PipelineMetrics,
    /** Called after each committed batch, e.g. to wake the outbox relay at once. */
    private readonly afterCommit: () => void = () => undefined,
  ) {}

  async apply(batch: InboundBatch, applyEvent: ApplyEvent): Promise<BatchResult> {
    const result: BatchResult = { applied: 0, duplicates: 0, rejected: 0 };
    const end = this.metrics.batchSeconds.startTimer({ topic: batch.topic });
    await this.dataSource.transaction(async (manager) => {
      result.applied = result.duplicates = result.rejected = 0;
      for (const inbound of batch.events) {
        const fresh: unknown[] = await manager.query(
          `INSERT INTO processed_event (event_id, topic, outcome) VALUES ($1, $2, 'APPLIED') ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
          [inbound.event.id, inbound.topic],
        );
        if (fresh.length === 0) {
          result.duplicates++;
          continue;
        }
        await manager.query('SAVEPOINT inbound_event');
        try {
          await applyEvent(manager, inbound);
          await manager.query('RELEASE SAVEPOINT inbound_event');
          result.applied++;
        } catch (error) {
          if (!isRejection(error)) throw error;
          await manager.query('ROLLBACK TO SAVEPOINT inbound_event');
          await manager.query(`UPDATE processed_event SET outcome = 'DEAD_LETTERED' WHERE event_id = $1`, [inbound.event.id]);
          await appendToOutbox(
            manager,
            deadLetterEntry(
              { sourceTopic: inbound.topic, partition: inbound.partition, offset: inbound.offset, key: inbound.key, value: inbound.raw, reason: 'REJECTED', code: error.code, message: error.message },
              this.clock.now(),
            ),
          );
          this.metrics.deadLettered.inc({ topic: inbound.topic, reason: 'REJECTED' });
          result.rejected++;
        }
      }
    });
    end();
    this.afterCommit();
    this.metrics.processed.inc({ topic: batch.topic }, result.applied);
    this.metrics.duplicates.inc({ topic: batch.topic }, result.duplicates);
    return result;
  }
}
