import { IsString, Length, MinLength } from 'class-validator';

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
