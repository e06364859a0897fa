import { Injectable } from '@nestjs/common';
import type { Tx } from '@penalty/messaging';

/** Rows of the remedies' read model: each event carries a remedy's whole state, so the latest overwrites every column. */
export interface DepositRow {
  merchantId: string;
  requiredFen: number | null;
  balanceFen: number;
  shortfallFen: number;
  topUpDueAt: string | null;
  updatedAt: string;
}

export interface ExamChanceRow {
  chanceId: string;
  merchantId: string;
  naturalYear: number;
  status: string;
  expiresAt: string;
  violationId: string | null;
  /** The latest offer of the batch's events of this chance, if any carried one; null keeps the known one. */
  offerViolationId: string | null;
  offerChoiceClosesAt: string | null;
  reason: string | null;
  updatedAt: string;
}

export interface ExamOfferRow {
  chanceId: string;
  violationId: string;
  /** Of the first event that made the offer (kept when the offer is made again). */
  merchantId: string;
  offeredAt: string;
  /** Of the latest event that made the offer. */
  choiceClosesAt: string;
}

export interface ForgeryCaseRow {
  caseId: string;
  merchantId: string;
  violationId: string;
  caseNumber: number;
  severity: string;
  ruleVersion: string;
  status: string;
  openedAt: string;
  remediationClosesAt: string | null;
  /** JSON array of sanction ids. */
  sanctionIds: string;
  /** JSON array of the submitted remediation documents. */
  documents: string;
  claimedBy: string | null;
  claimedAt: string | null;
  updatedAt: string;
}

export interface AppealRow {
  appealId: string;
  merchantId: string;
  subjectKind: string;
  subjectId: string;
  round: number;
  status: string;
  rejectionReason: string | null;
  /** JSON array of evidence documents. */
  evidence: string;
  filedAt: string;
  decidedAt: string | null;
  secondAppealClosesAt: string | null;
  claimedBy: string | null;
  claimedAt: string | null;
  updatedAt: string;
}

/**
 * The only SQL that writes the remedies' tables (standing_deposit, standing_exam_chance,
 * standing_exam_offer, standing_forgery_case, standing_appeal): one statement per table and batch,
 * each given one row per key.
 */
@Injectable()
export class StandingRemediesRepository {
  async upsertDeposits(tx: Tx, rows: readonly DepositRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO standing_deposit (merchant_id, required_fen, balance_fen, shortfall_fen, top_up_due_at, updated_at)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::timestamptz[], $6::timestamptz[])
       ON CONFLICT (merchant_id) DO UPDATE SET required_fen = EXCLUDED.required_fen, balance_fen = EXCLUDED.balance_fen,
         shortfall_fen = EXCLUDED.shortfall_fen, top_up_due_at = EXCLUDED.top_up_due_at, updated_at = EXCLUDED.updated_at`,
      [rows.map((r) => r.merchantId), rows.map((r) => r.requiredFen), rows.map((r) => r.balanceFen), rows.map((r) => r.shortfallFen), rows.map((r) => r.topUpDueAt), rows.map((r) => r.updatedAt)],
    );
  }

  async upsertExamChances(tx: Tx, rows: readonly ExamChanceRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO standing_exam_chance (chance_id, merchant_id, natural_year, status, expires_at, violation_id, offer_violation_id, offer_choice_closes_at, reason, updated_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::timestamptz[])
       ON CONFLICT (chance_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, natural_year = EXCLUDED.natural_year, status = EXCLUDED.status,
         expires_at = EXCLUDED.expires_at, violation_id = EXCLUDED.violation_id, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at,
         -- An offer comes with the assessment of one violation; later changes carry none, and the offer stands until it closes.
         offer_violation_id = coalesce(EXCLUDED.offer_violation_id, standing_exam_chance.offer_violation_id),
         offer_choice_closes_at = coalesce(EXCLUDED.offer_choice_closes_at, standing_exam_chance.offer_choice_closes_at)`,
      [
        rows.map((r) => r.chanceId), rows.map((r) => r.merchantId), rows.map((r) => r.naturalYear), rows.map((r) => r.status), rows.map((r) => r.expiresAt),
        rows.map((r) => r.violationId), rows.map((r) => r.offerViolationId), rows.map((r) => r.offerChoiceClosesAt), rows.map((r) => r.reason), rows.map((r) => r.updatedAt),
      ],
    );
  }

  /** Each offer of a chance, not only the latest: the merchant may choose any of them until it closes. */
  async upsertExamOffers(tx: Tx, rows: readonly ExamOfferRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO standing_exam_offer (chance_id, violation_id, merchant_id, choice_closes_at, offered_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
       ON CONFLICT (chance_id, violation_id) DO UPDATE SET choice_closes_at = EXCLUDED.choice_closes_at`,
      [rows.map((r) => r.chanceId), rows.map((r) => r.violationId), rows.map((r) => r.merchantId), rows.map((r) => r.choiceClosesAt), rows.map((r) => r.offeredAt)],
    );
  }

  /** The cases' latest states; `submitted_at` is when a case was first seen under review (claims change it later). */
  async upsertForgeryCases(tx: Tx, rows: readonly ForgeryCaseRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO standing_forgery_case (case_id, merchant_id, violation_id, case_number, severity, rule_version, status, opened_at, remediation_closes_at, sanction_ids, updated_at, documents, claimed_by, claimed_at, submitted_at)
       SELECT c.*, CASE WHEN c.status = 'REMEDIATION_SUBMITTED' THEN c.updated_at END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::jsonb[], $11::timestamptz[], $12::jsonb[], $13::text[], $14::timestamptz[])
         AS c (case_id, merchant_id, violation_id, case_number, severity, rule_version, status, opened_at, remediation_closes_at, sanction_ids, updated_at, documents, claimed_by, claimed_at)
       ON CONFLICT (case_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, violation_id = EXCLUDED.violation_id, case_number = EXCLUDED.case_number,
         severity = EXCLUDED.severity, rule_version = EXCLUDED.rule_version, status = EXCLUDED.status, opened_at = EXCLUDED.opened_at,
         remediation_closes_at = EXCLUDED.remediation_closes_at, sanction_ids = EXCLUDED.sanction_ids, updated_at = EXCLUDED.updated_at,
         documents = EXCLUDED.documents, claimed_by = EXCLUDED.claimed_by, claimed_at = EXCLUDED.claimed_at,
         submitted_at = CASE WHEN standing_forgery_case.status = 'REMEDIATION_SUBMITTED' THEN standing_forgery_case.submitted_at ELSE EXCLUDED.submitted_at END`,
      [
        rows.map((r) => r.caseId), rows.map((r) => r.merchantId), rows.map((r) => r.violationId), rows.map((r) => r.caseNumber), rows.map((r) => r.severity), rows.map((r) => r.ruleVersion),
        rows.map((r) => r.status), rows.map((r) => r.openedAt), rows.map((r) => r.remediationClosesAt), rows.map((r) => r.sanctionIds), rows.map((r) => r.updatedAt),
        rows.map((r) => r.documents), rows.map((r) => r.claimedBy), rows.map((r) => r.claimedAt),
      ],
    );
  }

  async upsertAppeals(tx: Tx, rows: readonly AppealRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO standing_appeal (appeal_id, merchant_id, subject_kind, subject_id, round, status, rejection_reason, evidence, filed_at, decided_at, second_appeal_closes_at, updated_at, claimed_by, claimed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::jsonb[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::text[], $14::timestamptz[])
       ON CONFLICT (appeal_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, subject_kind = EXCLUDED.subject_kind, subject_id = EXCLUDED.subject_id,
         round = EXCLUDED.round, status = EXCLUDED.status, rejection_reason = EXCLUDED.rejection_reason, evidence = EXCLUDED.evidence, filed_at = EXCLUDED.filed_at,
         decided_at = EXCLUDED.decided_at, second_appeal_closes_at = EXCLUDED.second_appeal_closes_at, updated_at = EXCLUDED.updated_at,
         claimed_by = EXCLUDED.claimed_by, claimed_at = EXCLUDED.claimed_at`,
      [
        rows.map((r) => r.appealId), rows.map((r) => r.merchantId), rows.map((r) => r.subjectKind), rows.map((r) => r.subjectId), rows.map((r) => r.round), rows.map((r) => r.status),
        rows.map((r) => r.rejectionReason), rows.map((r) => r.evidence), rows.map((r) => r.filedAt), rows.map((r) => r.decidedAt), rows.map((r) => r.secondAppealClosesAt), rows.map((r) => r.updatedAt),
        rows.map((r) => r.claimedBy), rows.map((r) => r.claimedAt),
      ],
    );
  }
}
