import { Injectable } from '@nestjs/common';
import { EventTypes, type CloudEvent, type SanctionImposedV1, type SanctionLiftedV1 } from '@penalty/contracts';
import type { BatchHandler } from '@penalty/messaging';
import { StandingSanctionsRepository, type ImposedMeasureRow, type MeasureLiftRow, type SanctionRow } from '../standing-sanctions.repository';
import { compositeKey, firstByKey } from './fold-by-key';

type Positioned<T> = T & { position: number };
/** A ladder node's track; causes published before the field existed are SERIOUS (the only track with a ladder then). */
const ladderTrackOf = (cause: SanctionImposedV1['cause']) => (cause.kind === 'LADDER_NODE' ? (cause.track ?? 'SERIOUS') : null);
const measureKey = (m: { sanctionId: string; type: string }) => compositeKey(m.sanctionId, m.type);

/**
 * sanction.imposed.v1 → the sanction and its measures; sanction.lifted.v1 → lifted_at of the measures
 * it names that are not lifted yet. Applied as the events would be one by one: a sanction or measure
 * already known keeps its row, a lift applies to measures known before the batch or imposed earlier
 * in it, and the first lift of a measure wins. Two statements per batch.
 */
@Injectable()
export class ProjectSanctionsHandler {
  constructor(private readonly sanctions: StandingSanctionsRepository) {}

  readonly handle: BatchHandler = async ({ tx, events }) => {
    const imposedSanctions: SanctionRow[] = [];
    const imposed: Positioned<ImposedMeasureRow>[] = [];
    const lifts: Positioned<MeasureLiftRow>[] = [];
    events.forEach(({ event }, position) => {
      if (event.type === EventTypes.SanctionImposedV1) {
        const s = (event as CloudEvent<SanctionImposedV1>).data;
        imposedSanctions.push({ sanctionId: s.sanctionId, merchantId: s.merchantId, fineFen: s.fine?.amountFen ?? null, appealDeadline: s.appealDeadline, decidedAt: event.time, kind: s.cause.kind, node: s.cause.node ?? null, track: ladderTrackOf(s.cause) });
        for (const m of s.measures) imposed.push({ sanctionId: s.sanctionId, merchantId: s.merchantId, type: m.type, endsAt: m.endsAt ?? null, liftedAt: null, position });
      } else if (event.type === EventTypes.SanctionLiftedV1) {
        const l = (event as CloudEvent<SanctionLiftedV1>).data;
        for (const type of l.measureTypes) lifts.push({ sanctionId: l.sanctionId, type, liftedAt: l.liftedAt, position });
      }
    });
    // A measure imposed in this batch is lifted by the first lift after its imposition.
    const liftsOf = new Map<string, Positioned<MeasureLiftRow>[]>();
    for (const lift of lifts) liftsOf.set(measureKey(lift), [...(liftsOf.get(measureKey(lift)) ?? []), lift]);
    const measures = firstByKey(imposed, measureKey).map(({ position, ...m }) => ({ ...m, liftedAt: liftsOf.get(measureKey(m))?.find((l) => l.position > position)?.liftedAt ?? null }));
    // A measure known before the batch is lifted by the first lift of the batch, if it is not lifted yet.
    const firstLifts = firstByKey(lifts, measureKey).map(({ position: _, ...l }) => l);

    await this.sanctions.insertSanctions(tx, firstByKey(imposedSanctions, (s) => s.sanctionId));
    await this.sanctions.imposeAndLift(tx, measures, firstLifts);
  };
}
