import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics } from '@penalty/contracts';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';
import { NotifyMerchantHandler } from './notify-merchant.handler';

/** Every decision that touches a merchant is told to the merchant (rulebook section 8). */
@Controller()
export class DecisionsConsumer {
  constructor(
    private readonly inbox: TransactionalInbox,
    private readonly notify: NotifyMerchantHandler,
  ) {}

  @EventPattern(Topics.PenaltiesAssessedV1)
  async onPenalties(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (b) => this.notify.handle(b));
  }

  @EventPattern(Topics.SanctionsDecidedV1)
  async onSanctions(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (b) => this.notify.handle(b));
  }

  /** The merchant's remedies: appeals, exam chances, the deposit, forgery cases. */
  @EventPattern(Topics.RemediesUpdatedV1)
  async onRemedies(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (b) => this.notify.handle(b));
  }
}
