import { ApiProperty } from '@nestjs/swagger';
import { EvidenceDocumentRequest } from '@penalty/appeals';
import { FORGERY_CASE_STATUSES, formatShanghai, type ForgeryCaseStatus } from '@penalty/domain';
import type { ForgeryCaseUpdatedV1 } from '@penalty/contracts';
import type { ForgeryCaseRow } from './forgery-case.repository';

export class ReviewClaimDto {
  @ApiProperty({ description: "The reviewer's sign-in name" }) by: string;
  @ApiProperty({ description: 'RFC 3339, +08:00' }) at: string;
}

/** A forgery case as the HTTP API answers it; forgery-case.updated.v1 carries the same fields. */
export class ForgeryCaseDto {
  @ApiProperty() caseId: string;
  @ApiProperty() merchantId: string;
  @ApiProperty() violationId: string;
  @ApiProperty() caseNumber: number;
  @ApiProperty() severity: string;
  @ApiProperty() ruleVersion: string;
  @ApiProperty({ enum: FORGERY_CASE_STATUSES }) status: ForgeryCaseStatus;
  @ApiProperty() openedAt: string;
  @ApiProperty({ nullable: true }) remediationClosesAt: string | null;
  @ApiProperty({ type: [String] }) sanctionIds: string[];
  @ApiProperty({ type: [EvidenceDocumentRequest], description: 'The remediation documents the merchant submitted (empty: none yet)' }) documents: EvidenceDocumentRequest[];
  @ApiProperty({ type: ReviewClaimDto, nullable: true, description: 'The reviewer who claimed the submitted remediation (only they review it); null: nobody' }) claim: ReviewClaimDto | null;
}

export const forgeryCaseDto = (c: ForgeryCaseRow): ForgeryCaseDto => ({
  caseId: c.case_id,
  merchantId: c.merchant_id,
  violationId: c.violation_id,
  caseNumber: c.case_number,
  severity: c.severity,
  ruleVersion: c.rule_version,
  status: c.status,
  openedAt: formatShanghai(new Date(c.opened_at)),
  remediationClosesAt: c.remediation_closes_at ? formatShanghai(new Date(c.remediation_closes_at)) : null,
  sanctionIds: c.sanction_ids,
  documents: c.documents ?? [],
  claim: c.claimed_by ? { by: c.claimed_by, at: formatShanghai(new Date(c.claimed_at!)) } : null,
});

export const forgeryCaseUpdated = (c: ForgeryCaseRow): ForgeryCaseUpdatedV1 => forgeryCaseDto(c) as ForgeryCaseUpdatedV1;
