import { Inject, Injectable } from '@nestjs/common';
import type { MerchantProfileUpdatedV1 } from '@penalty/contracts';
import type { Clock } from '@penalty/domain';
import type { InboxBatch } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';

/** Keeps what scoring needs of merchant profiles: whether each may hold an exam chance. One statement per batch; the latest profile wins. */
@Injectable()
export class RecordExamEligibilityHandler {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async handle({ tx, events }: InboxBatch): Promise<void> {
    const latest = new Map<string, boolean>();
    for (const { event } of events) {
      const profile = event.data as MerchantProfileUpdatedV1;
      latest.set(profile.merchantId, profile.examEligible);
    }
    await tx.query(
      `INSERT INTO merchant_profile (merchant_id, exam_eligible, updated_at)
       SELECT merchant_id, exam_eligible, $3 FROM unnest($1::text[], $2::boolean[]) AS p(merchant_id, exam_eligible)
       ON CONFLICT (merchant_id) DO UPDATE SET exam_eligible = EXCLUDED.exam_eligible, updated_at = EXCLUDED.updated_at`,
      [[...latest.keys()], [...latest.values()], this.clock.now()],
    );
  }
}
