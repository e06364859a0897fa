import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics } from '@penalty/contracts';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';
import { OpenForgeryCasesHandler } from './open-forgery-cases.handler';

/** Only qualification forgery concerns this service; the scoring service owns the topic's dead letters. */
@Controller()
export class ViolationsConsumer {
  constructor(
    private readonly inbox: TransactionalInbox,
    private readonly handler: OpenForgeryCasesHandler,
  ) {}

  @EventPattern(Topics.ViolationsDetectedV1)
  async onViolations(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (events) => this.handler.handle(events));
  }
}
