import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  EXAM_ELIGIBLE_SCENARIOS,
  ITEM_ACTIONS,
  SEVERITIES,
  VIOLATION_CODES,
  type ItemAction,
  type Scenario,
  type Severity,
  type ViolationCode,
} from '@penalty/domain';
import { IsEntityId, IsMarketplace, IsMerchantId, IsNonEmptyString } from '../../validation/identifiers';
import { quoted } from '../../validation/quoted';
import { IsRfc3339DateTime } from '../../validation/rfc3339-date-time';
import { SchemaDoc } from '../../validation/schema-annotations';

export const MAX_ITEM_IDS = 1000;
export const MAX_EVIDENCE = 50;
export const MAX_DESCRIPTION_LENGTH = 4000;
export const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
export const SHA256_HEX_MESSAGE = 'sha256 must be 64 hexadecimal characters';
export const unknownViolationCodeMessage = (value: unknown): string =>
  typeof value === 'string'
    ? `code ${quoted(value)} is not in the violation catalogue`
    : 'code must be a code of the violation catalogue';
const DEFAULT_ITEM_ACTION: ItemAction = 'NONE';

export class ViolationEvidenceV1 {
  @IsNonEmptyString()
  kind: string;

  @IsNonEmptyString()
  uri: string;

  @Matches(SHA256_HEX, { message: SHA256_HEX_MESSAGE })
  @SchemaDoc({ description: 'SHA-256 of the evidence content, hex encoded' })
  sha256: string;
}

/** `data` of `violation.detected.v1` (topic `violations.detected.v1`). */
@SchemaDoc({ description: 'A violation detected by a platform system.' })
export class ViolationDetectedV1 {
  @IsEntityId()
  @SchemaDoc({ description: "The platform's id of this violation; a repeated violationId is a duplicate." })
  violationId: string;

  @IsMerchantId()
  @SchemaDoc({ description: 'Equal to the Kafka message key and the CloudEvent subject.' })
  merchantId: string;

  @IsString()
  @IsIn(VIOLATION_CODES, { message: ({ value }) => unknownViolationCodeMessage(value) })
  @SchemaDoc({ description: "A code of the rulebook's violation catalogue." })
  code: ViolationCode;

  @IsOptional()
  @IsIn(EXAM_ELIGIBLE_SCENARIOS)
  scenario?: Scenario;

  @IsIn(SEVERITIES)
  severity: Severity;

  @IsRfc3339DateTime()
  @SchemaDoc({
    description:
      'When the violation happened (RFC 3339 with offset); chooses the rule version and the natural year (Asia/Shanghai).',
  })
  occurredAt: string;

  @IsNonEmptyString()
  @SchemaDoc({ description: 'The publishing system.' })
  detectedBy: string;

  @IsOptional()
  @IsMarketplace()
  @SchemaDoc({ description: "Which marketplace's rulebook applies (e.g. tmall, tmall-global); absent: the deployment's default marketplace." })
  marketplace?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ITEM_IDS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @SchemaDoc({ description: 'The offending items.' })
  itemIds?: string[];

  // Absent or null means NONE: the default is applied while parsing.
  @IsOptional()
  @IsIn(ITEM_ACTIONS)
  @Transform(({ value }) => value ?? DEFAULT_ITEM_ACTION)
  @SchemaDoc({ default: DEFAULT_ITEM_ACTION })
  itemAction: ItemAction = DEFAULT_ITEM_ACTION;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_EVIDENCE)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ViolationEvidenceV1)
  evidence?: ViolationEvidenceV1[];

  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string;
}
