import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { IsRfc3339DateTime } from '@penalty/contracts';
import { APPEAL_DECISIONS, APPEAL_REJECTION_REASONS, APPEAL_STATUSES, APPEAL_SUBJECT_KINDS, type AppealDecision, type AppealRejectionReason, type AppealStatus, type AppealSubjectKind } from '@penalty/domain';

export class EvidenceDocumentRequest {
  @ApiProperty({ example: 'BRAND_AUTHORIZATION', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  kind: string;

  @ApiProperty({ example: 'Brand Co.', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  issuer: string;

  @ApiProperty({ description: 'RFC 3339 with offset', example: '2023-01-01T00:00:00+08:00' })
  @IsRfc3339DateTime()
  validFrom: string;

  @ApiProperty({ description: 'RFC 3339 with offset', example: '2024-12-31T23:59:59+08:00' })
  @IsRfc3339DateTime()
  validUntil: string;

  @ApiProperty({ description: 'SHA-256 of the document, 64 hex digits' })
  @Matches(/^[0-9a-f]{64}$/i, { message: 'sha256 must be 64 hexadecimal digits' })
  sha256: string;
}

export class FileAppealRequest {
  @ApiProperty({ description: "The merchant's statement", minLength: 1, maxLength: 4000 })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  statement: string;

  @ApiProperty({ type: [EvidenceDocumentRequest], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => EvidenceDocumentRequest)
  evidence: EvidenceDocumentRequest[];
}

export class DecideAppealRequest {
  @ApiProperty({ enum: APPEAL_DECISIONS })
  @IsIn(APPEAL_DECISIONS)
  decision: AppealDecision;

  @ApiPropertyOptional({ enum: APPEAL_REJECTION_REASONS, description: 'Required when rejecting: one of the reasons the source lists' })
  @ValidateIf((r: DecideAppealRequest) => r.decision === 'REJECTED' || r.rejectionReason !== undefined)
  @IsIn(APPEAL_REJECTION_REASONS)
  rejectionReason?: AppealRejectionReason;

  @ApiPropertyOptional({ description: "The reviewer's note (kept in the audit trail)", maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ClaimAppealRequest {
  @ApiPropertyOptional({ description: 'A colleague to assign it to (the subject they sign in as: their user name, or oidc:<sub>); absent: the caller claims it', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  assignee?: string;
}

export class AppealNoteRequest {
  @ApiProperty({ description: 'A case note, kept in the audit trail', minLength: 1, maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  text: string;
}

export class AppealRefRequest {
  @ApiProperty({ enum: ['penalties', 'sanctions', 'forgery-cases'] }) @IsIn(['penalties', 'sanctions', 'forgery-cases']) collection: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(128) subjectId: string;
  @ApiProperty({ format: 'uuid' }) @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'appealId must be an appeal id (UUID)' }) appealId: string;
}

/** Several appeals decided at once with one decision and reason; each is decided (or refused) on its own. */
export class DecideAppealsRequest extends DecideAppealRequest {
  @ApiProperty({ type: [AppealRefRequest], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AppealRefRequest)
  items: AppealRefRequest[];
}

export class AppealDecisionResultDto {
  @ApiProperty() appealId: string;
  @ApiProperty({ description: 'Decided by this request' }) decided: boolean;
  @ApiProperty({ enum: APPEAL_STATUSES, nullable: true }) status: AppealStatus | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was not decided (a problem code, e.g. APPEAL.CLAIMED_BY_ANOTHER)' }) code: string | null;
  @ApiProperty({ type: String, nullable: true }) detail: string | null;
}

export class AppealDecisionsDto {
  @ApiProperty({ type: [AppealDecisionResultDto] }) items: AppealDecisionResultDto[];
}

export class AppealDto {
  @ApiProperty() appealId: string;
  @ApiProperty() merchantId: string;
  @ApiProperty({ enum: APPEAL_SUBJECT_KINDS }) subjectKind: AppealSubjectKind;
  @ApiProperty() subjectId: string;
  @ApiProperty({ enum: [1, 2] }) round: number;
  @ApiProperty({ enum: APPEAL_STATUSES }) status: AppealStatus;
  @ApiProperty() statement: string;
  @ApiProperty({ type: [EvidenceDocumentRequest] }) evidence: EvidenceDocumentRequest[];
  @ApiProperty({ description: 'RFC 3339, Asia/Shanghai' }) filedAt: string;
  @ApiProperty({ description: 'The window this appeal was filed in' }) windowClosesAt: string;
  @ApiProperty({ enum: APPEAL_REJECTION_REASONS, nullable: true }) rejectionReason: AppealRejectionReason | null;
  @ApiProperty({ nullable: true }) decidedAt: string | null;
  @ApiProperty({ nullable: true, description: 'After a rejection: the last moment for the one second appeal' }) secondAppealClosesAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The reviewer working on it (only they may decide it until they release it)' }) claimedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) claimedAt: string | null;
}
