import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import {
  EventTypes, Topics, type AppealUpdatedV1, type CloudEvent, type DepositUpdatedV1, type ExamChanceUpdatedV1, type ForgeryCaseUpdatedV1,
  type MerchantProfileUpdatedV1, type PenaltyAssessedV1, type SanctionImposedV1, type SanctionLiftedV1,
} from '@penalty/contracts';
import { depositRequirementFen } from '@penalty/domain';
import { TransactionalInbox, type InboundBatch } from '@penalty/messaging';

/** Projects the decision topics into the tables the standing endpoint reads. */
@Controller()
export class StandingProjection {
  constructor(private readonly inbox: TransactionalInbox) {}

  @EventPattern(Topics.PenaltiesAssessedV1)
  async onPenalties(batch: InboundBatch): Promise<void> {
    await this.inbox.applyEach(batch, async (manager, { event }) => {
      const p = (event as CloudEvent<PenaltyAssessedV1>).data;
      // Events of one merchant arrive in order (one partition), so the latest totals win.
      await manager.query(
        `INSERT INTO standing_points (merchant_id, natural_year, general, serious) VALUES ($1, $2, $3, $4)
         ON CONFLICT (merchant_id, natural_year) DO UPDATE SET general = EXCLUDED.general, serious = EXCLUDED.serious`,
        [p.merchantId, p.naturalYear, p.totals.general, p.totals.serious],
      );
      await manager.query(
        `INSERT INTO standing_penalty_event (event_id, merchant_id, type, violation_id, track, points, waiver, natural_year, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        [event.id, p.merchantId, event.type, p.violationId, p.track, p.points, p.waiver, p.naturalYear, event.time],
      );
    });
  }

  @EventPattern(Topics.SanctionsDecidedV1)
  async onSanctions(batch: InboundBatch): Promise<void> {
    await this.inbox.applyEach(batch, (manager, { event }) =>
      event.type === EventTypes.SanctionImposedV1
        ? this.imposed(manager, (event as CloudEvent<SanctionImposedV1>).data, event.time)
        : this.lifted(manager, (event as CloudEvent<SanctionLiftedV1>).data),
    );
  }

  @EventPattern(Topics.MerchantsProfilesV1)
  async onProfiles(batch: InboundBatch): Promise<void> {
    await this.inbox.applyEach(batch, async (manager, { event }) => {
      const p = (event as CloudEvent<MerchantProfileUpdatedV1>).data;
      await manager.query(
        `INSERT INTO standing_profile (merchant_id, required_fen, exam_eligible, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (merchant_id) DO UPDATE SET required_fen = EXCLUDED.required_fen, exam_eligible = EXCLUDED.exam_eligible, updated_at = EXCLUDED.updated_at`,
        [p.merchantId, depositRequirementFen(p), p.examEligible, event.time],
      );
    });
  }

  /** The merchant's remedies: each event carries the whole state, and one merchant's arrive in order, so the latest wins: every column is overwritten, except the exam offer a later change does not repeat. */
  @EventPattern(Topics.RemediesUpdatedV1)
  async onRemedies(batch: InboundBatch): Promise<void> {
    await this.inbox.applyEach(batch, async (manager, { event }) => {
      switch (event.type) {
        case EventTypes.DepositUpdatedV1: {
          const d = (event as CloudEvent<DepositUpdatedV1>).data;
          await manager.query(
            `INSERT INTO standing_deposit (merchant_id, required_fen, balance_fen, shortfall_fen, top_up_due_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (merchant_id) DO UPDATE SET required_fen = EXCLUDED.required_fen, balance_fen = EXCLUDED.balance_fen,
               shortfall_fen = EXCLUDED.shortfall_fen, top_up_due_at = EXCLUDED.top_up_due_at, updated_at = EXCLUDED.updated_at`,
            [d.merchantId, d.requiredFen, d.balanceFen, d.shortfallFen, d.topUpDueAt, event.time],
          );
          return;
        }
        case EventTypes.ExamChanceUpdatedV1: {
          const c = (event as CloudEvent<ExamChanceUpdatedV1>).data;
          await manager.query(
            `INSERT INTO standing_exam_chance (chance_id, merchant_id, natural_year, status, expires_at, violation_id, offer_violation_id, offer_choice_closes_at, reason, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (chance_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, natural_year = EXCLUDED.natural_year, status = EXCLUDED.status,
               expires_at = EXCLUDED.expires_at, violation_id = EXCLUDED.violation_id, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at,
               -- An offer comes with the assessment of one violation; later changes carry none, and the offer stands until it closes.
               offer_violation_id = coalesce(EXCLUDED.offer_violation_id, standing_exam_chance.offer_violation_id),
               offer_choice_closes_at = coalesce(EXCLUDED.offer_choice_closes_at, standing_exam_chance.offer_choice_closes_at)`,
            [c.chanceId, c.merchantId, c.naturalYear, c.status, c.expiresAt, c.violationId, c.offer?.violationId ?? null, c.offer?.choiceClosesAt ?? null, c.reason, event.time],
          );
          // Each offer of the chance, not only the latest: the merchant may choose any of them until it closes.
          if (c.offer) {
            await manager.query(
              `INSERT INTO standing_exam_offer (chance_id, violation_id, merchant_id, choice_closes_at, offered_at) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (chance_id, violation_id) DO UPDATE SET choice_closes_at = EXCLUDED.choice_closes_at`,
              [c.chanceId, c.offer.violationId, c.merchantId, c.offer.choiceClosesAt, event.time],
            );
          }
          return;
        }
        case EventTypes.ForgeryCaseUpdatedV1: {
          const f = (event as CloudEvent<ForgeryCaseUpdatedV1>).data;
          await manager.query(
            `INSERT INTO standing_forgery_case (case_id, merchant_id, violation_id, case_number, severity, rule_version, status, opened_at, remediation_closes_at, sanction_ids, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (case_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, violation_id = EXCLUDED.violation_id, case_number = EXCLUDED.case_number,
               severity = EXCLUDED.severity, rule_version = EXCLUDED.rule_version, status = EXCLUDED.status, opened_at = EXCLUDED.opened_at,
               remediation_closes_at = EXCLUDED.remediation_closes_at, sanction_ids = EXCLUDED.sanction_ids, updated_at = EXCLUDED.updated_at`,
            [f.caseId, f.merchantId, f.violationId, f.caseNumber, f.severity, f.ruleVersion, f.status, f.openedAt, f.remediationClosesAt, JSON.stringify(f.sanctionIds), event.time],
          );
          return;
        }
        case EventTypes.AppealUpdatedV1: {
          const a = (event as CloudEvent<AppealUpdatedV1>).data;
          await manager.query(
            `INSERT INTO standing_appeal (appeal_id, merchant_id, subject_kind, subject_id, round, status, rejection_reason, evidence, filed_at, decided_at, second_appeal_closes_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (appeal_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, subject_kind = EXCLUDED.subject_kind, subject_id = EXCLUDED.subject_id,
               round = EXCLUDED.round, status = EXCLUDED.status, rejection_reason = EXCLUDED.rejection_reason, evidence = EXCLUDED.evidence, filed_at = EXCLUDED.filed_at,
               decided_at = EXCLUDED.decided_at, second_appeal_closes_at = EXCLUDED.second_appeal_closes_at, updated_at = EXCLUDED.updated_at`,
            [a.appealId, a.merchantId, a.subject.kind, a.subject.id, a.round, a.status, a.rejectionReason, JSON.stringify(a.evidence), a.filedAt, a.decidedAt, a.secondAppealClosesAt, event.time],
          );
          return;
        }
      }
    });
  }

  private async imposed(manager: EntityManager, s: SanctionImposedV1, decidedAt: string): Promise<void> {
    await manager.query(
      'INSERT INTO standing_sanction (sanction_id, merchant_id, fine_fen, appeal_deadline, decided_at, kind, node) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING',
      [s.sanctionId, s.merchantId, s.fine?.amountFen ?? null, s.appealDeadline, decidedAt, s.cause.kind, s.cause.node ?? null],
    );
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
