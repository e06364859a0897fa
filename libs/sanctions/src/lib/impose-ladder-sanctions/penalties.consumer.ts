import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics } from '@penalty/contracts';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';
import { ImposeLadderSanctionsHandler } from './impose-ladder-sanctions.handler';

/** penalty.assessed.v1 and penalty.adjusted.v1 both carry the merchant's new totals. */
@Controller()
export class PenaltiesConsumer {
  constructor(
    private readonly inbox: TransactionalInbox,
    private readonly handler: ImposeLadderSanctionsHandler,
  ) {}

  @EventPattern(Topics.PenaltiesAssessedV1)
  async onPenalties(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (events) => this.handler.handle(events));
  }
}
