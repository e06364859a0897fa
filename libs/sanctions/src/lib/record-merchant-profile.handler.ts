import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CloudEvent, MerchantProfileUpdatedV1 } from '@penalty/contracts';
import { depositRequirementFen, type Clock } from '@penalty/domain';
import { CLOCK } from '@penalty/runtime';

/** Keeps the merchant's profile and the deposit it must hold (rulebook section 7). */
@Injectable()
export class RecordMerchantProfileHandler {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async handle(manager: EntityManager, event: CloudEvent<MerchantProfileUpdatedV1>): Promise<void> {
    const p = event.data;
    await manager.query(
      `INSERT INTO merchant_account (merchant_id, store_type, trademark_status, categories, exam_eligible, required_fen, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (merchant_id) DO UPDATE SET store_type = EXCLUDED.store_type, trademark_status = EXCLUDED.trademark_status,
         categories = EXCLUDED.categories, exam_eligible = EXCLUDED.exam_eligible, required_fen = EXCLUDED.required_fen, updated_at = EXCLUDED.updated_at`,
      [p.merchantId, p.storeType, p.trademarkStatus, JSON.stringify(p.categories), p.examEligible, depositRequirementFen(p), this.clock.now()],
    );
  }
}
