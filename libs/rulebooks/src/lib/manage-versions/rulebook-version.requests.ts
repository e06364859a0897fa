import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { RULEBOOK_VERSION_ID_PATTERN } from '@penalty/domain';

/** A calendar date within the contract's range of dates (1970-2099). */
const DATE = /^(19[7-9]\d|20\d{2})-\d{2}-\d{2}$/;
const VERSION_ID = RULEBOOK_VERSION_ID_PATTERN;
const RULE_DATA_DOC = {
  type: 'object',
  additionalProperties: true,
  description:
    'The whole rule data (points, pointOverrides, examScenarioPoints, selfCheckScenarios, pointlessCodes, ladders per track, appealWindowDays, forgery, forgeryClearOutMeasures, forgeryUnremediedMeasures, secondAppealGraceDays, examChancesPerYear, examChoiceWindowDays, examScenarios, depositTopUpDays, deposit), validated as a whole: a 400 names each bad field (ruleData.<path>).',
} as const;

/** POST /v1/rulebooks/{marketplace}/versions: a draft, from rule data or from another version's. */
export class DraftVersionRequest {
  @ApiProperty({ description: 'Unique in the marketplace; decisions will name it (ruleVersion)', pattern: VERSION_ID.source, example: '2027-01-01' })
  @Matches(VERSION_ID, { message: 'versionId must be 1-64 characters of letters, digits and . _ + -, starting with a letter or digit' })
  versionId: string;

  @ApiProperty({ description: 'Asia/Shanghai date from whose midnight it applies to violations (by occurredAt)', example: '2027-01-01', pattern: DATE.source })
  @Matches(DATE, { message: 'effectiveFrom must be a date YYYY-MM-DD (Asia/Shanghai)' })
  effectiveFrom: string;

  @ApiPropertyOptional({ ...RULE_DATA_DOC, description: `${RULE_DATA_DOC.description} Absent: a copy of basedOn's.` })
  @IsOptional()
  @IsObject()
  ruleData?: Record<string, unknown>;

  @ApiPropertyOptional({ description: "The version of the same marketplace it starts from (the editor's \"draft from the version in force\"); required without ruleData" })
  @IsOptional()
  @Matches(VERSION_ID, { message: 'basedOn must be a version id' })
  basedOn?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 366, default: 7, description: 'Natural days before the effective date at which merchants are told' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(366)
  leadTimeDays?: number;
}

/** PATCH of a draft: any of its rule data, effective date, lead time. */
export class ReviseDraftRequest {
  @ApiPropertyOptional(RULE_DATA_DOC)
  @IsOptional()
  @IsObject()
  ruleData?: Record<string, unknown>;

  @ApiPropertyOptional({ pattern: DATE.source })
  @IsOptional()
  @Matches(DATE, { message: 'effectiveFrom must be a date YYYY-MM-DD (Asia/Shanghai)' })
  effectiveFrom?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 366 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(366)
  leadTimeDays?: number;
}

export class WithdrawVersionRequest {
  @ApiProperty({ description: 'Why it will never apply (kept in the audit trail)', minLength: 3 })
  @IsString()
  @MinLength(3)
  reason: string;
}

/** A version as the store answers it; `status` is as of now (an approved version past its date reads IN_FORCE). */
export class RulebookVersionDto {
  @ApiProperty() marketplace: string;
  @ApiProperty() versionId: string;
  @ApiProperty({ description: 'YYYY-MM-DD, Asia/Shanghai' }) effectiveFrom: string;
  @ApiProperty({ description: 'When it starts to apply (RFC 3339, +08:00)' }) effectiveAt: string;
  @ApiProperty({ enum: ['DRAFT', 'APPROVED', 'ANNOUNCED', 'IN_FORCE', 'WITHDRAWN'] }) status: string;
  @ApiProperty({ description: 'sha256 (hex) of the canonical JSON of ruleData' }) contentHash: string;
  @ApiProperty({ enum: ['SEED', 'OPERATOR'] }) origin: string;
  @ApiProperty() author: string;
  @ApiProperty({ type: [String] }) contributors: string[];
  @ApiProperty({ type: String, nullable: true }) approver: string | null;
  @ApiProperty({ type: 'integer' }) leadTimeDays: number;
  @ApiProperty({ description: 'When merchants are (to be) told (RFC 3339, +08:00)' }) announceAt: string;
  @ApiProperty({ type: String, nullable: true }) basedOn: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ type: String, nullable: true }) approvedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) announcedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) withdrawnAt: string | null;
  @ApiProperty({ type: String, nullable: true }) withdrawnBy: string | null;
  @ApiProperty({ type: String, nullable: true }) withdrawalReason: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) ruleData: Record<string, unknown>;
}

export class RuleDataChangeDto {
  @ApiProperty({ description: 'Dotted path into the rule data (array items by index)' }) path: string;
  @ApiProperty({ nullable: true, description: 'The value in the first version (absent: not there)' }) from: unknown;
  @ApiProperty({ nullable: true, description: 'The value in the second version (absent: not there)' }) to: unknown;
}

export class RuleDataDiffDto {
  @ApiProperty() marketplace: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [RuleDataChangeDto] }) changes: RuleDataChangeDto[];
}

export class MarketplacesDto {
  @ApiProperty({ type: [String], description: 'Marketplaces with a rulebook; the deployment default first' }) items: string[];
}
