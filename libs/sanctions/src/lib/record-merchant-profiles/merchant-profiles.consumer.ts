import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics } from '@penalty/contracts';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';
import { RecordMerchantProfilesHandler } from './record-merchant-profiles.handler';

@Controller()
export class MerchantProfilesConsumer {
  constructor(
    private readonly inbox: TransactionalInbox,
    private readonly handler: RecordMerchantProfilesHandler,
  ) {}

  @EventPattern(Topics.MerchantsProfilesV1)
  async onProfiles(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (events) => this.handler.handle(events));
  }
}
