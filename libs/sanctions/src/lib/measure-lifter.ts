import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildCloudEvent, EventTypes, Topics, type SanctionLiftedV1 } from '@penalty/contracts';
import { formatShanghai, type LiftReason, type MeasureType } from '@penalty/domain';
import { appendEventToOutbox } from '@penalty/messaging';
import { SANCTION_SOURCE } from './sanction-source';

/** Lifts active measures before their end in the caller's transaction, with one sanction.lifted.v1. */
@Injectable()
export class MeasureLifter {
  /** Lifts the given active measures of a sanction (one sanction.lifted.v1); returns the types lifted. */
  async lift(manager: EntityManager, sanctionId: string, reason: LiftReason, now: Date, onlyTypes?: readonly MeasureType[]): Promise<MeasureType[]> {
    const active: { id: string; type: MeasureType; merchant_id: string }[] = await manager.query(
      `SELECT id, type, merchant_id FROM measure WHERE sanction_id = $1 AND lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $2) ORDER BY id FOR UPDATE`,
      [sanctionId, now],
    );
    const lifting = onlyTypes ? active.filter((m) => onlyTypes.includes(m.type)) : active;
    if (lifting.length === 0) return [];
    await manager.query('UPDATE measure SET lifted_at = $2, lift_reason = $3 WHERE id = ANY($1::bigint[])', [lifting.map((m) => m.id), now, reason]);
    const measureTypes = lifting.map((m) => m.type);
    const merchantId = lifting[0].merchant_id;
    const data = { sanctionId, merchantId, measureTypes, reason, liftedAt: formatShanghai(now) } as SanctionLiftedV1;
    appendEventToOutbox(manager, Topics.SanctionsDecidedV1, buildCloudEvent({ type: EventTypes.SanctionLiftedV1, source: SANCTION_SOURCE, subject: merchantId, data, time: now }));
    return measureTypes;
  }

}
