import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics, type CloudEvent, type MerchantProfileUpdatedV1, type ViolationDetectedV1 } from '@penalty/contracts';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';
import { AssessViolationHandler } from './assess-violation.handler';
import { RecordExamEligibilityHandler } from './record-exam-eligibility.handler';

@Controller()
export class ViolationsConsumer {
  constructor(
    private readonly inbox: TransactionalInbox,
    private readonly assess: AssessViolationHandler,
    private readonly eligibility: RecordExamEligibilityHandler,
  ) {}

  @EventPattern(Topics.ViolationsDetectedV1)
  async onViolationsDetected(batch: InboundBatch): Promise<void> {
    await this.inbox.applyEach(batch, (manager, inbound) => this.assess.handle(manager, inbound.event as CloudEvent<ViolationDetectedV1>));
  }

  @EventPattern(Topics.MerchantsProfilesV1)
  async onProfiles(batch: InboundBatch): Promise<void> {
    await this.inbox.applyEach(batch, (manager, inbound) => this.eligibility.handle(manager, inbound.event as CloudEvent<MerchantProfileUpdatedV1>));
  }
}
