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
}
