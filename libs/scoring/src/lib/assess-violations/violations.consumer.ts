import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics } from '@penalty/contracts';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';
import { AssessViolationsHandler } from './assess-violations.handler';

@Controller()
export class ViolationsConsumer {
  constructor(
    private readonly inbox: TransactionalInbox,
    private readonly assess: AssessViolationsHandler,
  ) {}

  @EventPattern(Topics.ViolationsDetectedV1)
  async onViolationsDetected(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (b) => this.assess.handle(b));
  }
}
