import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { ForgeryCaseStatus, KnownForgeryCase, Severity } from '@penalty/domain';
import type { Tx } from '@penalty/messaging';
import { SanctionError } from './sanctions.errors';

/** A remediation document as submitted (the appeals lib's evidence shape). */
export interface RemediationDocumentRow {
  kind: string;
  issuer: string;
  validFrom: string;
  validUntil: string;
  sha256: string;
}

export interface ForgeryCaseRow {
  case_id: string;
  merchant_id: string;
  violation_id: string;
  case_number: number;
  severity: Severity;
  rule_version: string;
  /** Null: the deployment's default marketplace (cases from before marketplaces). */
  marketplace: string | null;
  status: ForgeryCaseStatus;
  opened_at: Date;
  remediation_closes_at: Date | null;
  documents: RemediationDocumentRow[];
  sanction_ids: string[];
  /** The reviewer working on the submitted remediation (only they review it); null: nobody. */
  claimed_by: string | null;
  claimed_at: Date | null;
}

/** The only SQL of the forgery case aggregate (rulebook section 4). */
@Injectable()
export class ForgeryCaseRepository {
  /** The cases of `merchantIds`, and any case of `violationIds` (a violation opens one case at most); one statement. */
  async known(tx: Tx, merchantIds: readonly string[], violationIds: readonly string[]): Promise<KnownForgeryCase[]> {
    const rows = await tx.query<{ merchant_id: string; violation_id: string; status: ForgeryCaseStatus }>(
      'SELECT merchant_id, violation_id, status FROM forgery_case WHERE merchant_id = ANY($1::text[]) OR violation_id = ANY($2::text[])',
      [[...new Set(merchantIds)], [...new Set(violationIds)]],
    );
    return rows.map((r) => ({ merchantId: r.merchant_id, violationId: r.violation_id, status: r.status }));
  }

  /**
   * Opens cases in one statement. A case of the same violation, or a case of the merchant with the
   * same number (forgery_case_merchant_number), written meanwhile by another writer makes it fail
   * retriably: applied again, the batch sees that case and numbers its own after it.
   */
  async open(tx: Tx, cases: readonly ForgeryCaseRow[], now: Date): Promise<void> {
    if (cases.length === 0) return;
    const inserted = await tx.query(
      `INSERT INTO forgery_case (case_id, merchant_id, violation_id, case_number, severity, rule_version, status, opened_at, remediation_closes_at, sanction_ids, updated_at, marketplace)
       SELECT c.case_id, c.merchant_id, c.violation_id, c.case_number, c.severity, c.rule_version, c.status, c.opened_at, c.remediation_closes_at, c.sanction_ids, $11, c.marketplace
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::jsonb[], $12::text[])
         AS c (case_id, merchant_id, violation_id, case_number, severity, rule_version, status, opened_at, remediation_closes_at, sanction_ids, marketplace)
       ON CONFLICT DO NOTHING RETURNING case_id`,
      [
        cases.map((c) => c.case_id),
        cases.map((c) => c.merchant_id),
        cases.map((c) => c.violation_id),
        cases.map((c) => c.case_number),
        cases.map((c) => c.severity),
        cases.map((c) => c.rule_version),
        cases.map((c) => c.status),
        cases.map((c) => c.opened_at),
        cases.map((c) => c.remediation_closes_at),
        cases.map((c) => JSON.stringify(c.sanction_ids)),
        now,
        cases.map((c) => c.marketplace),
      ],
    );
    if (inserted.length !== cases.length) throw new SanctionError('FORGERY.CASE_CONFLICT', 'a forgery case of the same violation, or with the same case number of the merchant, was opened meanwhile');
  }

  /** Locks a case for a change; not found is a 404 problem. */
  async lock(tx: Tx, caseId: string): Promise<ForgeryCaseRow> {
    const [c] = await tx.query<ForgeryCaseRow>('SELECT * FROM forgery_case WHERE case_id = $1 FOR UPDATE', [caseId]);
    if (!c) throw new SanctionError('FORGERY.CASE_NOT_FOUND', `No forgery case ${caseId}.`);
    return c;
  }

  /** A change of the case; a claim ends with the review (it lasts only while the remediation is REMEDIATION_SUBMITTED). */
  async update(tx: Tx, caseId: string, fields: { status: ForgeryCaseStatus; documents?: readonly RemediationDocumentRow[]; sanctionIds?: readonly string[] }, now: Date): Promise<ForgeryCaseRow> {
    const [row] = await tx.query<ForgeryCaseRow>(
      `UPDATE forgery_case SET status = $2, documents = coalesce($3::jsonb, documents), sanction_ids = coalesce($4::jsonb, sanction_ids), updated_at = $5,
         claimed_by = CASE WHEN $2 = 'REMEDIATION_SUBMITTED' THEN claimed_by END, claimed_at = CASE WHEN $2 = 'REMEDIATION_SUBMITTED' THEN claimed_at END
       WHERE case_id = $1 RETURNING *`,
      [caseId, fields.status, fields.documents ? JSON.stringify(fields.documents) : null, fields.sanctionIds ? JSON.stringify(fields.sanctionIds) : null, now],
    );
    return row;
  }

  /** Who works on the case's submitted remediation: `holder`, or nobody (null). */
  async setClaim(tx: Tx, caseId: string, holder: string | null, now: Date): Promise<ForgeryCaseRow> {
    const [row] = await tx.query<ForgeryCaseRow>('UPDATE forgery_case SET claimed_by = $2::text, claimed_at = CASE WHEN $2::text IS NULL THEN NULL ELSE $3::timestamptz END, updated_at = $3 WHERE case_id = $1 RETURNING *', [caseId, holder, now]);
    return row;
  }

  async ownerOf(dataSource: DataSource, caseId: string): Promise<string | null> {
    const [row]: { merchant_id: string }[] = await dataSource.query('SELECT merchant_id FROM forgery_case WHERE case_id = $1', [caseId]);
    return row?.merchant_id ?? null;
  }

  async list(dataSource: DataSource, merchantId: string): Promise<ForgeryCaseRow[]> {
    return dataSource.query('SELECT * FROM forgery_case WHERE merchant_id = $1 ORDER BY opened_at DESC', [merchantId]);
  }

  /** A case as a decision that may be appealed, locked for the rest of the transaction. */
  async findDecision(manager: EntityManager, caseId: string): Promise<{ merchantId: string; decidedAt: Date; ruleVersion: string; marketplace?: string } | null> {
    const [row]: { merchant_id: string; opened_at: Date; rule_version: string; marketplace: string | null }[] = await manager.query(
      'SELECT merchant_id, opened_at, rule_version, marketplace FROM forgery_case WHERE case_id = $1 FOR UPDATE',
      [caseId],
    );
    return row ? { merchantId: row.merchant_id, decidedAt: new Date(row.opened_at), ruleVersion: row.rule_version, marketplace: row.marketplace ?? undefined } : null;
  }
}
