import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import {
  EventTypes, Topics, type CloudEvent, type MerchantProfileUpdatedV1, type PenaltyAssessedV1, type SanctionImposedV1, type SanctionLiftedV1,
} from '@penalty/contracts';
import { depositRequirementFen } from '@penalty/domain';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';

/** Projects the decision topics into the tables the standing endpoint reads. */
@Controller()
export class StandingProjection {
  constructor(private readonly inbox: TransactionalInbox) {}

  @EventPattern(Topics.PenaltiesAssessedV1)
  async onPenalties(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, async (manager, { event }) => {
      const p = (event as CloudEvent<PenaltyAssessedV1>).data;
      // Events of one merchant arrive in order (one partition), so the latest totals win.
      await manager.query(
        `INSERT INTO standing_points (merchant_id, natural_year, general, serious) VALUES ($1, $2, $3, $4)
         ON CONFLICT (merchant_id, natural_year) DO UPDATE SET general = EXCLUDED.general, serious = EXCLUDED.serious`,
        [p.merchantId, p.naturalYear, p.totals.general, p.totals.serious],
      );
    });
  }

  @EventPattern(Topics.SanctionsDecidedV1)
  async onSanctions(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, (manager, { event }) =>
      event.type === EventTypes.SanctionImposedV1
        ? this.imposed(manager, (event as CloudEvent<SanctionImposedV1>).data)
        : this.lifted(manager, (event as CloudEvent<SanctionLiftedV1>).data),
    );
  }

  @EventPattern(Topics.MerchantsProfilesV1)
  async onProfiles(batch: InboundBatch): Promise<void> {
    await this.inbox.apply(batch, async (manager, { event }) => {
      const p = (event as CloudEvent<MerchantProfileUpdatedV1>).data;
      await manager.query(
        `INSERT INTO standing_profile (merchant_id, required_fen, exam_eligible, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (merchant_id) DO UPDATE SET required_fen = EXCLUDED.required_fen, exam_eligible = EXCLUDED.exam_eligible, updated_at = EXCLUDED.updated_at`,
        [p.merchantId, depositRequirementFen(p), p.examEligible, event.time],
      );
    });
  }

  private async imposed(manager: EntityManager, s: SanctionImposedV1): Promise<void> {
    await manager.query('INSERT INTO standing_sanction (sanction_id, merchant_id, fine_fen) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      s.sanctionId, s.merchantId, s.fine?.amountFen ?? null,
    ]);
    for (const m of s.measures) {
      await manager.query('INSERT INTO standing_measure (sanction_id, merchant_id, type, ends_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        s.sanctionId, s.merchantId, m.type, m.endsAt,
      ]);
    }
  }

  private async lifted(manager: EntityManager, l: SanctionLiftedV1): Promise<void> {
    await manager.query('UPDATE standing_measure SET lifted_at = $3 WHERE sanction_id = $1 AND type = ANY($2::text[]) AND lifted_at IS NULL', [
      l.sanctionId, l.measureTypes, l.liftedAt,
    ]);
  }
}
