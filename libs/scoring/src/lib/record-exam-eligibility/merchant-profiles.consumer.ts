import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics } from '@penalty/contracts';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';
import { RecordExamEligibilityHandler } from './record-exam-eligibility.handler';

@Controller()
export class MerchantProfilesConsumer {
  constructor(
    private readonly inbox: TransactionalInbox,
    private readonly eligibility: RecordExamEligibilityHandler,
  ) {}

  @EventPattern(Topics.MerchantsProfilesV1)
  async onProfiles(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (b) => this.eligibility.handle(b));
  }
}
