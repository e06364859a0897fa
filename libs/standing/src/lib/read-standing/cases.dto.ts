import { ApiProperty } from '@nestjs/swagger';
import { APPEAL_REJECTION_REASONS, APPEAL_STATUSES, APPEAL_SUBJECT_KINDS, EXAM_CHANCE_STATUSES, FORGERY_CASE_STATUSES } from '@penalty/domain';

export const DEADLINE_KINDS = ['APPEAL_WINDOW', 'EXAM_CHOICE', 'DEPOSIT_TOP_UP', 'FORGERY_REMEDIATION'] as const;
export type DeadlineKindDto = (typeof DEADLINE_KINDS)[number];
export const DEADLINE_REFERENCE_KINDS = ['SANCTION', 'VIOLATION', 'FORGERY_CASE', 'DEPOSIT'] as const;
export type DeadlineReferenceKindDto = (typeof DEADLINE_REFERENCE_KINDS)[number];

export class ForgeryCaseViewDto {
  @ApiProperty() caseId: string;
  @ApiProperty() violationId: string;
  @ApiProperty() caseNumber: number;
  @ApiProperty() severity: string;
  @ApiProperty() ruleVersion: string;
  @ApiProperty({ enum: FORGERY_CASE_STATUSES }) status: string;
  @ApiProperty() openedAt: string;
  @ApiProperty({ nullable: true, type: String }) remediationClosesAt: string | null;
  @ApiProperty({ type: [String] }) sanctionIds: string[];
}

export class AppealViewDto {
  @ApiProperty() appealId: string;
  @ApiProperty({ enum: APPEAL_SUBJECT_KINDS }) subjectKind: string;
  @ApiProperty() subjectId: string;
  @ApiProperty() round: number;
  @ApiProperty({ enum: APPEAL_STATUSES }) status: string;
  @ApiProperty({ enum: APPEAL_REJECTION_REASONS, nullable: true }) rejectionReason: string | null;
  @ApiProperty() filedAt: string;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) secondAppealClosesAt: string | null;
  @ApiProperty({ description: 'Evidence documents as filed', type: 'array', items: { type: 'object' } }) evidence: object[];
}

export class ExamOfferViewDto {
  @ApiProperty({ description: 'The exam-eligible violation the chance may be used on' }) violationId: string;
  @ApiProperty({ description: 'RFC 3339, Asia/Shanghai: the last moment to choose the exam for this violation' }) choiceClosesAt: string;
}

export class ExamChanceViewDto {
  @ApiProperty() chanceId: string;
  @ApiProperty() naturalYear: number;
  @ApiProperty({ enum: EXAM_CHANCE_STATUSES }) status: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'The violation the chance was chosen for, once chosen' }) violationId: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The operator's reason for a refusal or a voiding" }) reason: string | null;
  @ApiProperty({ type: [ExamOfferViewDto], description: 'Every choice offered on the chance, soonest closing first' }) offers: ExamOfferViewDto[];
}

export class DepositViewDto {
  @ApiProperty({ nullable: true, type: Number }) requiredFen: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'null while the merchant has no profile: the deposit paid on entry is unknown' })
  balanceFen: number | null;
  @ApiProperty() shortfallFen: number;
  @ApiProperty({ nullable: true, type: String }) topUpDueAt: string | null;
}

export class DeadlineDto {
  @ApiProperty({ enum: DEADLINE_KINDS }) kind: DeadlineKindDto;
  @ApiProperty({ description: 'RFC 3339, Asia/Shanghai' }) closesAt: string;
  @ApiProperty({ description: 'The sanction, violation, forgery case or merchant (deposit) the deadline is about' }) reference: string;
  @ApiProperty({ enum: DEADLINE_REFERENCE_KINDS }) referenceKind: DeadlineReferenceKindDto;
}

export class MerchantCasesDto {
  @ApiProperty() merchantId: string;
  @ApiProperty({ type: [ForgeryCaseViewDto] }) forgeryCases: ForgeryCaseViewDto[];
  @ApiProperty({ type: [AppealViewDto] }) appeals: AppealViewDto[];
  @ApiProperty({ type: [ExamChanceViewDto] }) examChances: ExamChanceViewDto[];
  @ApiProperty({ type: DepositViewDto, nullable: true }) deposit: DepositViewDto | null;
  @ApiProperty({ type: [DeadlineDto], description: "Deadlines still open at the server's now, soonest first" }) deadlines: DeadlineDto[];
}
