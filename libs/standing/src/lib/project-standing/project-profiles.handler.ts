import { Injectable } from '@nestjs/common';
import type { CloudEvent, MerchantProfileUpdatedV1 } from '@penalty/contracts';
import { depositRequirementFen } from '@penalty/domain';
import type { BatchHandler } from '@penalty/messaging';
import { StandingProfileRepository } from '../standing-profile.repository';
import { lastByKey } from './fold-by-key';

/** merchant.profile.updated.v1 → the deposit the merchant must hold and its exam eligibility; the latest profile wins. One statement per batch. */
@Injectable()
export class ProjectProfilesHandler {
  constructor(private readonly profiles: StandingProfileRepository) {}

  readonly handle: BatchHandler = async ({ tx, events }) => {
    const latest = lastByKey(events, ({ event }) => (event as CloudEvent<MerchantProfileUpdatedV1>).data.merchantId);
    await this.profiles.upsertLatest(
      tx,
      latest.map(({ event }) => {
        const p = (event as CloudEvent<MerchantProfileUpdatedV1>).data;
        return { merchantId: p.merchantId, requiredFen: depositRequirementFen(p), examEligible: p.examEligible, updatedAt: event.time };
      }),
    );
  };
}
