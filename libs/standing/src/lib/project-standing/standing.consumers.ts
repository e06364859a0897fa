import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics } from '@penalty/contracts';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';
import { ProjectPenaltiesHandler } from './project-penalties.handler';
import { ProjectProfilesHandler } from './project-profiles.handler';
import { ProjectRemediesHandler } from './project-remedies.handler';
import { ProjectSanctionsHandler } from './project-sanctions.handler';

/** Projects the decision topics into the tables the standing endpoints read: each batch whole, in one transaction. */
@Controller()
export class StandingConsumers {
  constructor(
    private readonly inbox: TransactionalInbox,
    private readonly penalties: ProjectPenaltiesHandler,
    private readonly sanctions: ProjectSanctionsHandler,
    private readonly profiles: ProjectProfilesHandler,
    private readonly remedies: ProjectRemediesHandler,
  ) {}

  @EventPattern(Topics.PenaltiesAssessedV1)
  async onPenalties(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, this.penalties.handle);
  }

  @EventPattern(Topics.SanctionsDecidedV1)
  async onSanctions(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, this.sanctions.handle);
  }

  @EventPattern(Topics.MerchantsProfilesV1)
  async onProfiles(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, this.profiles.handle);
  }

  @EventPattern(Topics.RemediesUpdatedV1)
  async onRemedies(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, this.remedies.handle);
  }
}
