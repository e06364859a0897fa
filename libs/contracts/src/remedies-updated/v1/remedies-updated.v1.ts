import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import {
  APPEAL_REJECTION_REASONS,
  APPEAL_STATUSES,
  APPEAL_SUBJECT_KINDS,
  EXAM_CHANCE_STATUSES,
  FORGERY_CASE_STATUSES,
  SEVERITIES,
  type AppealRejectionReason,
  type AppealStatus,
  type AppealSubjectKind,
  type ExamChanceStatus,
  type ForgeryCaseStatus,
  type Severity,
} from '@penalty/domain';
import { IsEntityId, IsMerchantId, IsNonEmptyString } from '../../validation/identifiers';
import { IsRfc3339DateTime } from '../../validation/rfc3339-date-time';
import { Nullable, SchemaDoc } from '../../validation/schema-annotations';

// The merchant's remedies (rulebook sections 4 to 7): appeals, exam chances, the deposit and forgery
// cases. Each event carries the whole state after the change (event-carried state transfer), so a
// subscriber needs no other source to show it, and the deadlines it must remind the merchant of.

export class EvidenceDocumentV1 {
  @IsNonEmptyString()
  kind: string;

  @IsNonEmptyString()
  issuer: string;

  @IsRfc3339DateTime()
  validFrom: string;

  @IsRfc3339DateTime()
  validUntil: string;

  @IsString()
  @Length(64, 64)
  @SchemaDoc({ description: 'SHA-256 of the document, hex.' })
  sha256: string;
}

export class AppealSubjectV1 {
  @IsIn(APPEAL_SUBJECT_KINDS)
  kind: AppealSubjectKind;

  @IsEntityId()
  @SchemaDoc({ description: 'The violationId of a PENALTY, the sanctionId of a SANCTION, the caseId of a FORGERY_CASE.' })
  id: string;
}

/** Who is working on an appeal or a submitted remediation (the review queue is a team's). */
export class AppealClaimV1 {
  @IsNonEmptyString()
  by: string;

  @IsRfc3339DateTime()
  at: string;
}

/** `data` of `appeal.updated.v1` (topic `remedies.updated.v1`): an appeal was filed or decided. */
@SchemaDoc({ description: 'An appeal against a decision, after it was filed or decided.' })
export class AppealUpdatedV1 {
  @IsEntityId()
  appealId: string;

  @IsMerchantId()
  merchantId: string;

  @IsObject()
  @ValidateNested()
  @Type(() => AppealSubjectV1)
  subject: AppealSubjectV1;

  @IsInt()
  @IsIn([1, 2])
  @SchemaDoc({ description: '1, or 2 for the one second appeal after a rejection.' })
  round: number;

  @IsIn(APPEAL_STATUSES)
  status: AppealStatus;

  @Nullable()
  @IsIn(APPEAL_REJECTION_REASONS)
  rejectionReason: AppealRejectionReason | null;

  @IsArray()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => EvidenceDocumentV1)
  evidence: EvidenceDocumentV1[];

  @IsRfc3339DateTime()
  filedAt: string;

  @Nullable()
  @IsRfc3339DateTime()
  decidedAt: string | null;

  @Nullable()
  @IsRfc3339DateTime()
  @SchemaDoc({ description: 'After a rejection: the last moment for the one second appeal; otherwise null.' })
  secondAppealClosesAt: string | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AppealClaimV1)
  @SchemaDoc({ description: 'Additive: the reviewer who claimed the pending appeal (only they decide it until they release it); null or absent: nobody.' })
  claim?: AppealClaimV1 | null;
}

export class ExamChoiceOfferV1 {
  @IsEntityId()
  violationId: string;

  @IsRfc3339DateTime()
  choiceClosesAt: string;
}

/** `data` of `exam-chance.updated.v1` (topic `remedies.updated.v1`). */
@SchemaDoc({ description: 'An exam-instead-of-penalty chance after a change: granted, offered for a violation, chosen, passed, failed, refused or voided.' })
export class ExamChanceUpdatedV1 {
  @IsEntityId()
  chanceId: string;

  @IsMerchantId()
  merchantId: string;

  @IsInt()
  naturalYear: number;

  @IsIn(EXAM_CHANCE_STATUSES)
  status: ExamChanceStatus;

  @IsRfc3339DateTime()
  @SchemaDoc({ description: '31 December 24:00 Asia/Shanghai of the year it was granted.' })
  expiresAt: string;

  @Nullable()
  @IsEntityId()
  @SchemaDoc({ description: 'The violation the chance was chosen for, once chosen.' })
  violationId: string | null;

  @Nullable()
  @IsObject()
  @ValidateNested()
  @Type(() => ExamChoiceOfferV1)
  @SchemaDoc({ description: 'Set when a violation that may use the chance was just assessed: choose by choiceClosesAt.' })
  offer: ExamChoiceOfferV1 | null;

  @Nullable()
  @IsString()
  @SchemaDoc({ description: "The operator's reason for a refusal or a voiding." })
  reason: string | null;
}

export const DEPOSIT_CHANGE_KINDS = ['REQUIREMENT', 'FINE_CHARGED', 'FINE_REFUNDED', 'PAYMENT', 'FORFEITURE', 'TOP_UP_OVERDUE'] as const;
export type DepositChangeKind = (typeof DEPOSIT_CHANGE_KINDS)[number];

export class DepositChangeV1 {
  @IsIn(DEPOSIT_CHANGE_KINDS)
  kind: DepositChangeKind;

  @IsInt()
  @Min(-Number.MAX_SAFE_INTEGER)
  @Max(Number.MAX_SAFE_INTEGER)
  @SchemaDoc({ description: 'Signed change of the balance in fen (0 for a change of requirement or an overdue top-up).' })
  amountFen: number;

  @Nullable()
  @IsString()
  @SchemaDoc({ description: 'The sanction, payment or case behind the change.' })
  reference: string | null;
}

/** `data` of `deposit.updated.v1` (topic `remedies.updated.v1`). */
@SchemaDoc({ description: "The merchant's deposit after a change: requirement, balance, and the top-up deadline while short." })
export class DepositUpdatedV1 {
  @IsMerchantId()
  merchantId: string;

  // Fen are exact integers: every amount stays within the JSON numbers a consumer reads exactly
  // (±(2^53 - 1)); the ledger refuses a change that would go past that (DEPOSIT.LIMIT_EXCEEDED).
  @Nullable()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  @SchemaDoc({ description: 'Fen the merchant must hold; null while no profile is known. At most 2^53 - 1.' })
  requiredFen: number | null;

  @IsInt()
  @Min(-Number.MAX_SAFE_INTEGER)
  @Max(Number.MAX_SAFE_INTEGER)
  @SchemaDoc({ description: 'Fen held; negative when fines exceed what was paid. Within ±(2^53 - 1).' })
  balanceFen: number;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  @SchemaDoc({ description: 'Fen missing to the requirement (0 when none). At most 2^53 - 1.' })
  shortfallFen: number;

  @Nullable()
  @IsRfc3339DateTime()
  topUpDueAt: string | null;

  @IsObject()
  @ValidateNested()
  @Type(() => DepositChangeV1)
  change: DepositChangeV1;
}

/** `data` of `forgery-case.updated.v1` (topic `remedies.updated.v1`). */
@SchemaDoc({ description: 'A qualification-forgery case (rulebook section 4) after a change.' })
export class ForgeryCaseUpdatedV1 {
  @IsEntityId()
  caseId: string;

  @IsMerchantId()
  merchantId: string;

  @IsEntityId()
  violationId: string;

  @IsInt()
  @Min(1)
  @SchemaDoc({ description: "The merchant's 1st, 2nd, 3rd… forgery case." })
  caseNumber: number;

  @IsIn(SEVERITIES)
  severity: Severity;

  @IsNonEmptyString()
  ruleVersion: string;

  @IsIn(FORGERY_CASE_STATUSES)
  status: ForgeryCaseStatus;

  @IsRfc3339DateTime()
  openedAt: string;

  @Nullable()
  @IsRfc3339DateTime()
  @SchemaDoc({ description: 'End of the remediation (appeal) window; null when the case cleared out at once.' })
  remediationClosesAt: string | null;

  @IsArray()
  @IsString({ each: true })
  @SchemaDoc({ description: 'Sanctions the case led to (sanctions.decided.v1).' })
  sanctionIds: string[];

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EvidenceDocumentV1)
  @SchemaDoc({ description: 'Additive: the remediation documents the merchant submitted (empty or absent: none yet).' })
  documents?: EvidenceDocumentV1[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AppealClaimV1)
  @SchemaDoc({ description: 'Additive: the reviewer who claimed the submitted remediation (only they review it until they release it); null or absent: nobody.' })
  claim?: AppealClaimV1 | null;
}
