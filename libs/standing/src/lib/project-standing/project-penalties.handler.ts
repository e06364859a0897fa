import { Injectable } from '@nestjs/common';
import type { CloudEvent, PenaltyAssessedV1 } from '@penalty/contracts';
import type { BatchHandler } from '@penalty/messaging';
import { StandingPointsRepository, type PenaltyEventRow, type PointsTotalsRow } from '../standing-points.repository';
import { compositeKey, lastByKey } from './fold-by-key';

/**
 * penalty.assessed.v1 and penalty.adjusted.v1 → each merchant's totals per natural year (the latest
 * event of the batch per merchant and year wins: one merchant's events arrive in order, on one
 * partition) and every decision for the timeline. Two statements per batch.
 */
@Injectable()
export class ProjectPenaltiesHandler {
  constructor(private readonly points: StandingPointsRepository) {}

  readonly handle: BatchHandler = async ({ tx, events }) => {
    const decisions: PenaltyEventRow[] = [];
    const totals: PointsTotalsRow[] = [];
    for (const { event } of events) {
      const p = (event as CloudEvent<PenaltyAssessedV1>).data;
      totals.push({ merchantId: p.merchantId, naturalYear: p.naturalYear, general: p.totals.general, serious: p.totals.serious });
      decisions.push({ eventId: event.id, merchantId: p.merchantId, type: event.type, violationId: p.violationId, track: p.track, points: p.points, waiver: p.waiver ?? null, naturalYear: p.naturalYear, at: event.time });
    }
    await this.points.upsertTotals(tx, lastByKey(totals, (t) => compositeKey(t.merchantId, t.naturalYear)));
    await this.points.recordEvents(tx, decisions);
  };
}
