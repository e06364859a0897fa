// class-transformer's @Type and class-validator read decorator metadata: load the polyfill
// before any contract class is defined.
import 'reflect-metadata';

export * from './topics';
export * from './cloud-event';
export * from './parse-failure';
export * from './parse-cloud-event';
export * from './dead-letter';

export * from './violations-detected/v1/violation-detected.v1';
export * from './merchants-profiles/v1/merchant-profile-updated.v1';
export * from './penalties-assessed/v1/penalty-assessed.v1';
export * from './sanctions-decided/v1/sanction-imposed.v1';
export * from './sanctions-decided/v1/sanction-lifted.v1';
export * from './notifications-sent/v1/notification-sent.v1';
export * from './remedies-updated/v1/remedies-updated.v1';
export * from './rules-versions/v1/rulebook-version-updated.v1';

export {
  isRfc3339DateTime,
  IsRfc3339DateTime,
  toRfc3339,
  EARLIEST_DATE_TIME,
  DATE_TIME_LIMIT,
} from './validation/rfc3339-date-time';
export {
  MERCHANT_ID_MAX_LENGTH,
  ENTITY_ID_MAX_LENGTH,
  MARKETPLACE_PATTERN,
  NAME_MAX_LENGTH,
} from './validation/identifiers';
// For tools/contracts (schema generation); not needed by services.
export {
  CONTRACT_SCHEMA_CONVERTERS,
  schemaAnnotationsOf,
  type ClassSchemaAnnotations,
  type JsonSchemaFragment,
} from './validation/schema-annotations';
export { goldenFixture } from './golden-fixtures';
export { openApiSchemaOfEvent, violationEventOpenApiSchema } from './validation/openapi-event-schema';
export * from './webhook-signature';
