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

/** An event the handler rejected; the batch is rolled back and applied again with it dead-lettered. */
class RejectedInBatch extends Error {
  constructor(
    readonly eventId: string,
    readonly rejection: { code: string; message: string },
  ) {
    super(`event ${eventId} rejected: ${rejection.code}`);
  }
}

/**
 * Applies a batch in ONE database transaction: the batch's event ids are recorded in processed_event
 * (one statement) with the state changes, so a redelivered event is skipped. A rejected event rolls the
 * whole transaction back and the batch is applied again with that event dead-lettered (through the
 * outbox, in the same transaction) instead of applied: rejections are rare, so the common path costs
 * no savepoint round trips. Any other error aborts the batch (nothing is half-applied) and is left to
 * the transport's retry policy.
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
    const end = this.metrics.batchSeconds.startTimer({ topic: batch.topic });
    // Learnt from earlier attempts at this batch; each attempt learns at least one, so this ends.
    const rejections = new Map<string, { code: string; message: string }>();
    let result: BatchResult;
    for (;;) {
      try {
        result = await this.dataSource.transaction((manager) => this.applyOnce(manager, batch, applyEvent, rejections));
        break;
      } catch (error) {
        if (!(error instanceof RejectedInBatch)) throw error;
        rejections.set(error.eventId, error.rejection);
      }
    }
    end();
    this.afterCommit();
    this.metrics.processed.inc({ topic: batch.topic }, result.applied);
    this.metrics.duplicates.inc({ topic: batch.topic }, result.duplicates);
    if (result.rejected > 0) this.metrics.deadLettered.inc({ topic: batch.topic, reason: 'REJECTED' }, result.rejected);
    return result;
  }

  private async applyOnce(
    manager: EntityManager,
    batch: InboundBatch,
    applyEvent: ApplyEvent,
    rejections: Map<string, { code: string; message: string }>,
  ): Promise<BatchResult> {
    const result: BatchResult = { applied: 0, duplicates: 0, rejected: 0 };
    const inserted: { event_id: string }[] = await manager.query(
      `INSERT INTO processed_event (event_id, topic, outcome)
       SELECT event_id, topic, 'APPLIED' FROM unnest($1::text[], $2::text[]) AS e(event_id, topic)
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [batch.events.map((e) => e.event.id), batch.events.map((e) => e.topic)],
    );
    const fresh = new Set(inserted.map((r) => r.event_id));
    for (const inbound of batch.events) {
      // Seen before, or earlier in this batch: skipped.
      if (!fresh.delete(inbound.event.id)) {
        result.duplicates++;
        continue;
      }
      const rejection = rejections.get(inbound.event.id);
      if (rejection) {
        await manager.query(`UPDATE processed_event SET outcome = 'DEAD_LETTERED' WHERE event_id = $1`, [inbound.event.id]);
        await appendToOutbox(
          manager,
          deadLetterEntry(
            { sourceTopic: inbound.topic, partition: inbound.partition, offset: inbound.offset, key: inbound.key, value: inbound.raw, reason: 'REJECTED', code: rejection.code, message: rejection.message },
            this.clock.now(),
          ),
        );
        result.rejected++;
        continue;
      }
      try {
        await applyEvent(manager, inbound);
        result.applied++;
      } catch (error) {
        if (!isRejection(error)) throw error;
        throw new RejectedInBatch(inbound.event.id, { code: error.code, message: error.message });
      }
    }
    return result;
  }
}
