import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CloudEvent, MerchantProfileUpdatedV1 } from '@penalty/contracts';
import { depositRequirementFen, type Clock } from '@penalty/domain';
import { CLOCK } from '@penalty/runtime';
import { DepositLedger } from './deposit-ledger';

/** Keeps the merchant's profile and the deposit it must hold (rulebook section 7). */
@Injectable()
export class RecordMerchantProfileHandler {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly deposits: DepositLedger,
  ) {}

  async handle(manager: EntityManager, event: CloudEvent<MerchantProfileUpdatedV1>): Promise<void> {
    const p = event.data;
    const now = this.clock.now();
    await manager.query(
      `INSERT INTO merchant_account (merchant_id, store_type, trademark_status, categories, exam_eligible, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (merchant_id) DO UPDATE SET store_type = EXCLUDED.store_type, trademark_status = EXCLUDED.trademark_status,
         categories = EXCLUDED.categories, exam_eligible = EXCLUDED.exam_eligible, updated_at = EXCLUDED.updated_at`,
      [p.merchantId, p.storeType, p.trademarkStatus, JSON.stringify(p.categories), p.examEligible, now],
    );
    await this.deposits.requirementChanged(manager, p.merchantId, depositRequirementFen(p), now);
  }
}
