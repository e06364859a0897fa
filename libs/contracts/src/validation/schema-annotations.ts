import { ValidateIf } from 'class-validator';
import { DATE_TIME_PATTERN, IS_RFC3339_DATE_TIME } from './rfc3339-date-time';

// JSON Schema hints that class-validator metadata cannot express (descriptions, defaults,
// "present but may be null"). Kept here, free of class-validator-jsonschema, so that the
// runtime lib does not depend on a build-time tool; tools/contracts merges them in.

export type JsonSchemaFragment = Record<string, unknown>;

interface PropertyAnnotation {
  schema: JsonSchemaFragment;
  nullable: boolean;
  /** Validated only under the class's `if` schema: its constraints go into the class's `then`. */
  conditional: boolean;
}

export interface ClassSchemaAnnotations {
  schema: JsonSchemaFragment;
  properties: Record<string, PropertyAnnotation>;
}

const annotations = new WeakMap<object, ClassSchemaAnnotations>();

function annotationsFor(cls: object): ClassSchemaAnnotations {
  let found = annotations.get(cls);
  if (!found) {
    found = { schema: {}, properties: {} };
    annotations.set(cls, found);
  }
  return found;
}

function propertyAnnotation(cls: object, property: string): PropertyAnnotation {
  const forClass = annotationsFor(cls);
  forClass.properties[property] ??= { schema: {}, nullable: false, conditional: false };
  return forClass.properties[property];
}

/** Adds JSON Schema keywords to a class or property schema (merged with what the validators imply). */
export function SchemaDoc(schema: JsonSchemaFragment): ClassDecorator & PropertyDecorator {
  return (target: object, property?: string | symbol) => {
    if (property === undefined) Object.assign(annotationsFor(target).schema, schema);
    else Object.assign(propertyAnnotation(target.constructor, String(property)).schema, schema);
  };
}

/**
 * The property is required but may be `null` (the contract's "object or null"): validators run
 * only when the value is not null, and `undefined` still fails them.
 */
export function Nullable(): PropertyDecorator {
  return (target, property) => {
    ValidateIf((o: Record<string | symbol, unknown>) => o[property] !== null)(target, property);
    propertyAnnotation(target.constructor, String(property)).nullable = true;
  };
}

/**
 * The property's validators run only when `condition` holds (class-validator's ValidateIf). The
 * class's `@SchemaDoc({ if, then })` must say the same condition in JSON Schema: the generator
 * moves the property's constraints into `then`, so that the schema checks it under that condition
 * only, as the class does.
 */
export function ValidatedOnlyIf<T extends object>(condition: (o: T) => boolean): PropertyDecorator {
  return (target, property) => {
    ValidateIf(condition as (o: object) => boolean)(target, property);
    propertyAnnotation(target.constructor, String(property)).conditional = true;
  };
}

export function schemaAnnotationsOf(cls: object): ClassSchemaAnnotations {
  return annotations.get(cls) ?? { schema: {}, properties: {} };
}

/** JSON Schema converters for this lib's custom validators, keyed by constraint name. */
export const CONTRACT_SCHEMA_CONVERTERS: Record<string, JsonSchemaFragment> = {
  [IS_RFC3339_DATE_TIME]: { type: 'string', format: 'date-time', pattern: DATE_TIME_PATTERN },
};
