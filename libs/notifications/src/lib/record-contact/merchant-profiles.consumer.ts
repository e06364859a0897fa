import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics } from '@penalty/contracts';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';
import { RecordMerchantContactHandler } from './record-merchant-contact.handler';

@Controller()
export class MerchantProfilesConsumer {
  constructor(
    private readonly inbox: TransactionalInbox,
    private readonly recordContact: RecordMerchantContactHandler,
  ) {}

  @EventPattern(Topics.MerchantsProfilesV1)
  async onMerchantProfiles(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (b) => this.recordContact.handle(b));
  }
}
