import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CloudEvent, MerchantProfileUpdatedV1 } from '@penalty/contracts';
import type { Clock } from '@penalty/domain';
import { CLOCK } from '@penalty/runtime';

/** Keeps what scoring needs of the merchant profile: whether it may hold an exam chance. */
@Injectable()
export class RecordExamEligibilityHandler {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async handle(manager: EntityManager, event: CloudEvent<MerchantProfileUpdatedV1>): Promise<void> {
    await manager.query(
      `INSERT INTO merchant_profile (merchant_id, exam_eligible, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (merchant_id) DO UPDATE SET exam_eligible = EXCLUDED.exam_eligible, updated_at = EXCLUDED.updated_at`,
      [event.data.merchantId, event.data.examEligible, this.clock.now()],
    );
  }
}
