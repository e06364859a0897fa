import { EventTypes, type EventType } from '../topics';
import { CONTRACT_SCHEMAS, type JsonSchema } from './contract-schemas';

/**
 * A CloudEvent type's published JSON Schema (draft-07) as an OpenAPI 3.0 schema object, for the
 * request bodies that take such events (POST /v1/violations): the same contract the intake validates
 * with, not a hand-written copy. Definitions are inlined, `const` becomes a one-value `enum`, and
 * `anyOf [X, {type: null}]` becomes X with `nullable` (and null in its enum), as OpenAPI 3.0 spells it.
 */
export function openApiSchemaOfEvent(type: EventType): JsonSchema {
  const root = CONTRACT_SCHEMAS[type];
  const definitions = (root['definitions'] ?? {}) as Record<string, JsonSchema>;
  const convert = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(convert);
    if (node === null || typeof node !== 'object') return node;
    const schema = node as JsonSchema;
    const ref = schema['$ref'];
    if (typeof ref === 'string') {
      const name = ref.replace('#/definitions/', '');
      if (!(name in definitions)) throw new Error(`${type}: unknown $ref ${ref}`);
      return convert(definitions[name]);
    }
    const anyOf = schema['anyOf'];
    if (Array.isArray(anyOf) && anyOf.some((s) => (s as JsonSchema)['type'] === 'null')) {
      const rest = anyOf.filter((s) => (s as JsonSchema)['type'] !== 'null');
      const { anyOf: _anyOf, ...others } = schema;
      const base = rest.length === 1 ? (convert(rest[0]) as JsonSchema) : { anyOf: convert(rest) };
      // An enum must list null itself (OpenAPI 3.0.3: nullable does not widen an enum).
      if (Array.isArray(base['enum'])) base['enum'] = [...(base['enum'] as unknown[]), null];
      return { ...(convert(others) as JsonSchema), ...base, nullable: true };
    }
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$schema' || key === '$id' || key === 'definitions') continue;
      if (key === 'const') out['enum'] = [value];
      else if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, property]) => [name, convert(property)]));
      else out[key] = convert(value);
    }
    return out;
  };
  return convert(root) as JsonSchema;
}

/** The violation.detected.v1 CloudEvent as an OpenAPI 3.0 schema (the intake's request body). */
export const violationEventOpenApiSchema = (): JsonSchema => openApiSchemaOfEvent(EventTypes.ViolationDetectedV1);
