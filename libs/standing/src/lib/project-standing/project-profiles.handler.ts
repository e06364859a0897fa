import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent, MerchantProfileUpdatedV1 } from '@penalty/contracts';
import { depositRequirementFen } from '@penalty/domain';
import type { BatchHandler } from '@penalty/messaging';
import { MarketplaceConfig } from '@penalty/runtime';
import { StandingProfileRepository } from '../standing-profile.repository';
import { lastByKey } from './fold-by-key';

/**
 * merchant.profile.updated.v1 → the deposit the merchant must hold, its exam eligibility, and its
 * marketplace and names for operators' search; the latest profile wins. One statement per batch.
 */
@Injectable()
export class ProjectProfilesHandler {
  constructor(
    private readonly profiles: StandingProfileRepository,
    @Inject(MarketplaceConfig) private readonly marketplaces: MarketplaceConfig,
  ) {}

  readonly handle: BatchHandler = async ({ tx, events }) => {
    const latest = lastByKey(events, ({ event }) => (event as CloudEvent<MerchantProfileUpdatedV1>).data.merchantId);
    await this.profiles.upsertLatest(
      tx,
      latest.map(({ event }) => {
        const p = (event as CloudEvent<MerchantProfileUpdatedV1>).data;
        return {
          merchantId: p.merchantId,
          requiredFen: depositRequirementFen(p),
          examEligible: p.examEligible,
          marketplace: p.marketplace ?? this.marketplaces.DEFAULT_MARKETPLACE,
          displayName: p.displayName ?? null,
          storeName: p.storeName ?? null,
          updatedAt: event.time,
        };
      }),
    );
  };
}
