import { IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';
import { MARKETPLACE_PATTERN } from '@penalty/domain';

// Identifier shapes shared by every payload. The merchant id is also the Kafka key and the
// CloudEvent `subject`, so its bounds are the contract's (1-64); other ids follow `violationId`.
export const MERCHANT_ID_MAX_LENGTH = 64;
export const ENTITY_ID_MAX_LENGTH = 128;

function all(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

export const IsMerchantId = (): PropertyDecorator =>
  all(IsString(), Length(1, MERCHANT_ID_MAX_LENGTH));

export const IsEntityId = (): PropertyDecorator => all(IsString(), Length(1, ENTITY_ID_MAX_LENGTH));

export const IsNonEmptyString = (): PropertyDecorator => all(IsString(), MinLength(1));

/** A marketplace id (contract: 1-32 characters of `[a-z0-9-]`, e.g. `tmall`, `tmall-global`): the domain's pattern. */
export { MARKETPLACE_PATTERN };
export const MARKETPLACE_MESSAGE = 'marketplace must be 1 to 32 characters of a-z, 0-9 and -';
export const IsMarketplace = (): PropertyDecorator => all(IsString(), Matches(MARKETPLACE_PATTERN, { message: MARKETPLACE_MESSAGE }));

/** A merchant's or store's name as operators search for it (contract: at most 200 characters). */
export const NAME_MAX_LENGTH = 200;
export const IsDisplayName = (): PropertyDecorator => all(IsString(), MaxLength(NAME_MAX_LENGTH));
