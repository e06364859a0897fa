import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics, type CloudEvent, type MerchantProfileUpdatedV1, type PenaltyAssessedV1, type ViolationDetectedV1 } from '@penalty/contracts';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';
import { ForgeryCases } from './forgery-cases';
import { ImposeLadderSanctionHandler } from './impose-ladder-sanction.handler';
import { RecordMerchantProfileHandler } from './record-merchant-profile.handler';

@Controller()
export class SanctionConsumers {
  constructor(
    private readonly inbox: TransactionalInbox,
    private readonly ladder: ImposeLadderSanctionHandler,
    private readonly profiles: RecordMerchantProfileHandler,
    private readonly forgeryCases: ForgeryCases,
  ) {}

  /** penalty.assessed.v1 and penalty.adjusted.v1 both carry the merchant's new totals. */
  @EventPattern(Topics.PenaltiesAssessedV1)
  async onPenalties(batch: InboundBatch): Promise<void> {
    await this.inbox.applyEach(batch, (manager, inbound) => this.ladder.handle(manager, inbound.event as CloudEvent<PenaltyAssessedV1>));
  }

  @EventPattern(Topics.MerchantsProfilesV1)
  async onProfiles(batch: InboundBatch): Promise<void> {
    await this.inbox.applyEach(batch, (manager, inbound) => this.profiles.handle(manager, inbound.event as CloudEvent<MerchantProfileUpdatedV1>));
  }

  /** Only qualification forgery concerns this service; the scoring service owns the topic's dead letters. */
  @EventPattern(Topics.ViolationsDetectedV1)
  async onViolations(batch: InboundBatch): Promise<void> {
    await this.inbox.applyEach(batch, (manager, inbound) => this.forgeryCases.onViolation(manager, inbound.event as CloudEvent<ViolationDetectedV1>));
  }
}
