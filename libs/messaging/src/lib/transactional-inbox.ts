import { Logger } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import type { Clock } from '@penalty/domain';
import type { PipelineMetrics } from '@penalty/runtime';
import { deadLetterEntry, type DeadLetter } from './dead-letter';
import { traceBatch } from './event-tracing';
import { isRejection, type InboundBatch, type InboundEvent } from './inbound-batch';
import type { TransactionRunner, Tx } from './transaction-runner';

/** What a batch handler gets: the batch's transaction and its fresh events. */
export interface InboxBatch {
  readonly tx: Tx;
  readonly topic: string;
  /** Events not applied before (redeliveries and repeats within the batch removed), each partition's in offset order. */
  readonly events: readonly InboundEvent[];
  /**
   * Dead-letters `event` (reason REJECTED with the rejection's code) instead of applying it. The handler
   * must write nothing of that event. A handler may also throw a rejection tagged with the event
   * (`rejectionOf`): the batch is then rolled back and applied again without it.
   */
  reject(event: InboundEvent, rejection: { code: string; message: string }): void;
}

/** Applies a whole batch: read what it needs set-wise, decide, write set-wise, in `batch.tx`. */
export type BatchHandler = (batch: InboxBatch) => Promise<void>;

/** Applies one event in the batch's transaction (handlers not yet written for whole batches). */
export type ApplyEvent = (manager: EntityManager, inbound: InboundEvent) => Promise<void>;

export interface BatchResult {
  applied: number;
  duplicates: number;
  rejected: number;
}

/** A rejection thrown by a batch handler for one of its events. */
export class RejectedEvent extends Error {
  constructor(
    readonly eventId: string,
    readonly rejection: { code: string; message: string },
  ) {
    super(`event ${eventId} rejected: ${rejection.code}`);
  }
}

/** Runs `decide` for one event of a batch; a rejection it throws is tagged with the event (see InboxBatch.reject). */
export function rejectionOf(inbound: InboundEvent, error: unknown): unknown {
  return isRejection(error) ? new RejectedEvent(inbound.event.id, { code: error.code, message: error.message }) : error;
}

/** Dead letters are recorded once, like events: under an id made of where the message was read. */
const deadLetterId = (letter: DeadLetter) => `dead-letter:${letter.sourceTopic}:${letter.partition}:${letter.offset}`;

/** A replayed dead letter carries this header, and is applied even though its id was dead-lettered before. */
export const REPLAYED_FROM_HEADER = 'x-replayed-from';

/**
 * Applies a batch in ONE database transaction (TransactionRunner: the outbox is written with the
 * commit and published right after it). The batch's event ids are recorded in processed_event in
 * one statement with the state changes, so a redelivered event is skipped. Messages that could not be
 * parsed are dead-lettered through the outbox under an id of their position, so a redelivery does
 * not dead-letter them twice. A rejected event is dead-lettered alone while the rest of the batch
 * applies; a replayed dead letter (REPLAYED_FROM_HEADER) is applied although its id was seen.
 */
export class TransactionalInbox {
  private readonly logger = new Logger(TransactionalInbox.name);

  constructor(
    private readonly runner: TransactionRunner,
    private readonly clock: Clock,
    private readonly metrics: PipelineMetrics,
  ) {}

  /** Applies the batch with a handler of whole batches. */
  async apply(batch: InboundBatch, handler: BatchHandler): Promise<BatchResult> {
    const end = this.metrics.batchSeconds.startTimer({ topic: batch.topic });
    // Learnt from earlier attempts at this batch; each attempt learns at least one, so this ends.
    const thrown = new Map<string, { code: string; message: string }>();
    let result!: BatchResult;
    const applyAll = async () => {
      for (;;) {
        try {
          result = await this.runner.run((tx) => this.applyOnce(tx, batch, handler, thrown));
          break;
        } catch (error) {
          if (!(error instanceof RejectedEvent) || thrown.has(error.eventId)) throw error;
          thrown.set(error.eventId, error.rejection);
        }
      }
      // In the batch's trace context: with one merchant in the batch, the line names it and its trace.
      this.logger.debug({ msg: 'batch applied', topic: batch.topic, partitions: [...new Set(batch.events.map((e) => e.partition))], events: batch.events.length, applied: result.applied, duplicates: result.duplicates, rejected: result.rejected });
    };
    // A span per event continuing its trace; what the batch publishes for a merchant carries that merchant's.
    const traced = traceBatch(batch);
    if (traced) {
      try {
        await context.with(traced.context, applyAll);
      } catch (error) {
        traced.end(error);
        throw error;
      }
      traced.end();
    } else {
      await applyAll();
    }
    end();
    this.metrics.processed.inc({ topic: batch.topic }, result.applied);
    this.metrics.duplicates.inc({ topic: batch.topic }, result.duplicates);
    if (result.rejected > 0) this.metrics.deadLettered.inc({ topic: batch.topic, reason: 'REJECTED' }, result.rejected);
    for (const letter of batch.deadLetters ?? []) this.metrics.deadLettered.inc({ topic: letter.sourceTopic, reason: letter.reason });
    return result;
  }

  /** Applies the batch one event at a time, in order, in the batch's transaction. */
  applyEach(batch: InboundBatch, applyEvent: ApplyEvent): Promise<BatchResult> {
    return this.apply(batch, async ({ tx, events }) => {
      for (const inbound of events) {
        try {
          await applyEvent(tx.manager, inbound);
        } catch (error) {
          throw rejectionOf(inbound, error);
        }
      }
    });
  }

  private async applyOnce(tx: Tx, batch: InboundBatch, handler: BatchHandler, thrown: Map<string, { code: string; message: string }>): Promise<BatchResult> {
    const now = this.clock.now();
    const letters = batch.deadLetters ?? [];
    // First occurrence of each id; a repeat within the batch is a duplicate like a redelivery.
    const firsts = new Map<string, InboundEvent>();
    for (const inbound of batch.events) if (!firsts.has(inbound.event.id)) firsts.set(inbound.event.id, inbound);
    const ids = [...firsts.keys(), ...letters.map(deadLetterId)];
    const replayed = batch.events.filter((e) => e.replayedFrom !== undefined).map((e) => e.event.id);
    const inserted = await tx.query<{ event_id: string }>(
      `INSERT INTO processed_event (event_id, topic, outcome)
       SELECT event_id, $2, 'APPLIED' FROM unnest($1::text[]) AS e(event_id)
       ON CONFLICT (event_id) DO UPDATE SET outcome = 'APPLIED', processed_at = now()
         WHERE processed_event.outcome = 'DEAD_LETTERED' AND processed_event.event_id = ANY($3::text[])
       RETURNING event_id`,
      [ids, batch.topic, replayed],
    );
    const fresh = new Set(inserted.map((r) => r.event_id));
    for (const letter of letters) if (fresh.has(deadLetterId(letter))) tx.append(deadLetterEntry(letter, now));

    const rejected: { inbound: InboundEvent; rejection: { code: string; message: string } }[] = [];
    const events: InboundEvent[] = [];
    for (const inbound of firsts.values()) {
      if (!fresh.has(inbound.event.id)) continue;
      const rejection = thrown.get(inbound.event.id);
      if (rejection) rejected.push({ inbound, rejection });
      else events.push(inbound);
    }
    const rejectedIds = new Set<string>();
    if (events.length > 0) {
      await handler({
        tx,
        topic: batch.topic,
        events,
        reject: (inbound, rejection) => {
          if (rejectedIds.has(inbound.event.id)) return;
          rejectedIds.add(inbound.event.id);
          rejected.push({ inbound, rejection });
        },
      });
    }
    if (rejected.length > 0) {
      await tx.query(`UPDATE processed_event SET outcome = 'DEAD_LETTERED' WHERE event_id = ANY($1::text[])`, [rejected.map((r) => r.inbound.event.id)]);
      for (const { inbound, rejection } of rejected) {
        tx.append(
          deadLetterEntry(
            { sourceTopic: inbound.topic, partition: inbound.partition, offset: inbound.offset, key: inbound.key, value: inbound.raw, reason: 'REJECTED', code: rejection.code, message: rejection.message },
            now,
          ),
        );
      }
    }
    const freshEvents = [...firsts.values()].filter((e) => fresh.has(e.event.id)).length;
    return { applied: freshEvents - rejected.length, duplicates: batch.events.length - freshEvents, rejected: rejected.length };
  }
}
