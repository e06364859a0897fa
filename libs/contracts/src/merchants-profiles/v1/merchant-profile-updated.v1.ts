import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  ValidateNested,
} from 'class-validator';
import {
  LOCALES,
  STORE_TYPES,
  TRADEMARK_STATUSES,
  type Locale,
  type StoreType,
  type TrademarkStatus,
} from '@penalty/domain';
import { IsDisplayName, IsMarketplace, IsMerchantId, IsNonEmptyString } from '../../validation/identifiers';
import { SchemaDoc } from '../../validation/schema-annotations';

/** What webhookUrl must be (validator.js isURL options): an absolute http or https URL; a host without a TLD is fine. */
export const WEBHOOK_URL_OPTIONS = { protocols: ['https', 'http'], require_protocol: true, require_tld: false };
export const WEBHOOK_URL_MESSAGE = 'webhookUrl must be an http or https URL';

export class MerchantContactV1 {
  @IsOptional()
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsNonEmptyString()
  phone?: string;

  @IsOptional()
  @IsUrl(WEBHOOK_URL_OPTIONS, { message: WEBHOOK_URL_MESSAGE })
  @SchemaDoc({
    format: 'uri',
    pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
    description:
      'Where signed webhooks are posted: an absolute http or https URL, checked as validator.js isURL does (a host name, IPv4 or IPv6 address, without a TLD allowed; optional port; at most 2,084 characters).',
  })
  webhookUrl?: string;

  /** Project addition (optional, so v1 stays compatible): the language of the merchant's notifications. */
  @IsOptional()
  @IsIn(LOCALES)
  @SchemaDoc({ description: 'Language of notifications; zh-CN when absent.' })
  locale?: Locale;
}

/** `data` of `merchant.profile.updated.v1` (topic `merchants.profiles.v1`). */
@SchemaDoc({ description: "A merchant's profile as the platform knows it (the whole profile, not a diff)." })
export class MerchantProfileUpdatedV1 {
  @IsMerchantId()
  @SchemaDoc({ description: 'Equal to the Kafka message key and the CloudEvent subject.' })
  merchantId: string;

  @IsIn(STORE_TYPES)
  storeType: StoreType;

  @IsIn(TRADEMARK_STATUSES)
  @SchemaDoc({ description: 'TM includes a pending trademark; R is registered only.' })
  trademarkStatus: TrademarkStatus;

  @IsArray()
  @IsString({ each: true })
  @SchemaDoc({ description: 'Category keys that the deposit overrides use (rulebook section 7).' })
  categories: string[];

  @IsBoolean()
  @SchemaDoc({ description: 'May hold an exam-instead-of-penalty chance.' })
  examEligible: boolean;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MerchantContactV1)
  contact?: MerchantContactV1;

  @IsOptional()
  @IsMarketplace()
  @SchemaDoc({ description: "The marketplace of the store; absent: the deployment's default marketplace." })
  marketplace?: string;

  @IsOptional()
  @IsDisplayName()
  @SchemaDoc({ description: "The merchant's registered name, for operators' search." })
  displayName?: string;

  @IsOptional()
  @IsDisplayName()
  @SchemaDoc({ description: 'The store\'s name as buyers see it, for operators\' search.' })
  storeName?: string;
}
