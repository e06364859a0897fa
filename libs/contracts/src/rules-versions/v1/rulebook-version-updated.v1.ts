import { IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Min, MinLength } from 'class-validator';
import { RULEBOOK_VERSION_ID_PATTERN, RULEBOOK_VERSION_STATUSES, type RulebookVersionStatus } from '@penalty/domain';
import { IsMarketplace } from '../../validation/identifiers';
import { IsRfc3339DateTime } from '../../validation/rfc3339-date-time';
import { SchemaDoc } from '../../validation/schema-annotations';

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * `data` of `rulebook-version.updated.v1` (internal topic `rules.versions.v1`, compacted, key and
 * subject `<marketplace>/<versionId>`): a rulebook version as the api stores it, after each change.
 * Every service reads the topic whole before it reports ready and judges by the applicable versions.
 */
@SchemaDoc({ description: 'A rulebook version of a marketplace, whole, after a change (seeded, approved, announced, withdrawn).' })
export class RulebookVersionUpdatedV1 {
  @IsMarketplace()
  marketplace: string;

  @Matches(RULEBOOK_VERSION_ID_PATTERN, { message: 'versionId must be 1-64 characters of letters, digits and . _ + -' })
  @SchemaDoc({ description: 'Unique in the marketplace; the decisions judged by it name it (ruleVersion).' })
  versionId: string;

  @Matches(CALENDAR_DATE, { message: 'effectiveFrom must be a date YYYY-MM-DD' })
  @SchemaDoc({ description: 'Asia/Shanghai date from whose midnight the version applies to violations (by occurredAt).' })
  effectiveFrom: string;

  @IsIn(RULEBOOK_VERSION_STATUSES)
  @SchemaDoc({ description: 'As recorded; an APPROVED or ANNOUNCED version is in force once its date has begun. Only APPROVED, ANNOUNCED and IN_FORCE versions are applied.' })
  status: RulebookVersionStatus;

  @Matches(SHA256_HEX, { message: 'contentHash must be 64 lower-case hex digits' })
  @SchemaDoc({ description: 'sha256 of the canonical JSON of ruleData (sorted keys, no whitespace).' })
  contentHash: string;

  @IsObject()
  @SchemaDoc({ description: "The whole rule data (libs/domain RuleData); a consumer checks it as a whole and against contentHash." })
  ruleData: Record<string, unknown>;

  @IsIn(['SEED', 'OPERATOR'])
  origin: 'SEED' | 'OPERATOR';

  @IsString()
  @MinLength(1)
  author: string;

  @IsOptional()
  @IsString()
  approver?: string | null;

  @IsArray()
  @IsString({ each: true })
  contributors: string[];

  @IsInt()
  @Min(0)
  leadTimeDays: number;

  @IsRfc3339DateTime()
  updatedAt: string;
}
