import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics, type CloudEvent, type MerchantProfileUpdatedV1, type PenaltyAssessedV1 } from '@penalty/contracts';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';
import { ImposeLadderSanctionHandler } from './impose-ladder-sanction.handler';
import { RecordMerchantProfileHandler } from './record-merchant-profile.handler';

@Controller()
export class SanctionConsumers {
  constructor(
    private readonly inbox: TransactionalInbox,
    private readonly ladder: ImposeLadderSanctionHandler,
    private readonly profiles: RecordMerchantProfileHandler,
  ) {}

  /** penalty.assessed.v1 and penalty.adjusted.v1 both carry the merchant's new totals. */
  @EventPattern(Topics.PenaltiesAssessedV1)
  async onPenalties(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (manager, inbound) => this.ladder.handle(manager, inbound.event as CloudEvent<PenaltyAssessedV1>));
  }

  @EventPattern(Topics.MerchantsProfilesV1)
  async onProfiles(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (manager, inbound) => this.profiles.handle(manager, inbound.event as CloudEvent<MerchantProfileUpdatedV1>));
  }
}
