import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { EvidenceDocumentRequest } from '@penalty/appeals';

export class SubmitRemediationRequest {
  @ApiProperty({ type: [EvidenceDocumentRequest], minItems: 1, maxItems: 50, description: 'Documents within their validity period, forming a complete chain' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => EvidenceDocumentRequest)
  documents: EvidenceDocumentRequest[];
}

export class ReviewRemediationRequest {
  @ApiProperty({ description: 'true when the documents are valid, complete and truthful' })
  @IsBoolean()
  accepted: boolean;

  @ApiPropertyOptional({ description: "The reviewer's note (kept in the audit trail)", maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
