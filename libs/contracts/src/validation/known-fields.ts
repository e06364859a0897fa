import type { JsonSchema } from './contract-schemas';

// What parseCloudEvent returns of a valid `data`: a copy with the fields its schema knows, unknown
// ones dropped (forward compatibility: a newer producer's fields do not leak into this version's
// code), defaults applied. Built once per type from the schema; the copy also means the caller's
// parsed value is never modified.

type Shape =
  | { kind: 'value' }
  | { kind: 'array'; items: Shape }
  | { kind: 'object'; prototype: object; properties: ShapeProperty[] };

interface ShapeProperty {
  name: string;
  shape: Shape;
  /** Applied when the field is absent or null (as the classes' class-transformer defaults were). */
  default?: unknown;
}

export interface KnownFields {
  /** The known fields of `value`, which has been validated against the schema the shape came from. */
  copy(value: unknown): unknown;
}

const VALUE: Shape = { kind: 'value' };

/**
 * The known fields of the schema at `pointer` (`#/definitions/X`) in `document`. The top-level
 * object gets `prototype` (the data class, so that `instanceof` still holds); nested objects are
 * plain objects.
 */
export function knownFieldsOf(document: JsonSchema, pointer: string, prototype: object): KnownFields {
  const root = shapeOf(resolve(document, pointer), document, new Map());
  const shape = root.kind === 'object' ? { ...root, prototype } : root;
  return { copy: (value) => copyOf(value, shape) };
}

function shapeOf(schema: JsonSchema, document: JsonSchema, seen: Map<JsonSchema, Shape>): Shape {
  const known = seen.get(schema);
  if (known) return known;
  if (typeof schema.$ref === 'string') return shapeOf(resolve(document, schema.$ref), document, seen);
  // `{ description, allOf: [{ $ref }] }` (documentation beside a reference) and
  // `anyOf: [X, { type: 'null' }]` (optional or nullable): the shape of X.
  for (const keyword of ['allOf', 'anyOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) {
      const branch = (branches as JsonSchema[]).find((b) => b.type !== 'null');
      return branch ? shapeOf(branch, document, seen) : VALUE;
    }
  }
  if (schema.type === 'array' && typeof schema.items === 'object' && schema.items !== null) {
    return { kind: 'array', items: shapeOf(schema.items as JsonSchema, document, seen) };
  }
  if (schema.type === 'object' && typeof schema.properties === 'object' && schema.properties !== null) {
    const shape: Shape = { kind: 'object', prototype: Object.prototype, properties: [] };
    seen.set(schema, shape);
    for (const [name, property] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      shape.properties.push({
        name,
        shape: shapeOf(property, document, seen),
        ...(property.default === undefined ? {} : { default: property.default }),
      });
    }
    return shape;
  }
  return VALUE;
}

function resolve(document: JsonSchema, pointer: string): JsonSchema {
  if (!pointer.startsWith('#/')) throw new Error(`only local references are supported: ${pointer}`);
  let at: unknown = document;
  for (const segment of pointer.slice(2).split('/')) {
    at = (at as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (typeof at !== 'object' || at === null) throw new Error(`unresolved reference ${pointer}`);
  return at as JsonSchema;
}

const hasOwn = (value: object, key: string) => Object.prototype.hasOwnProperty.call(value, key);

function copyOf(value: unknown, shape: Shape): unknown {
  if (typeof value !== 'object' || value === null || shape.kind === 'value') return value;
  if (shape.kind === 'array') {
    const items = value as unknown[];
    return shape.items.kind === 'value' ? items.slice() : items.map((item) => copyOf(item, shape.items));
  }
  const source = value as Record<string, unknown>;
  const copy = Object.create(shape.prototype) as Record<string, unknown>;
  for (const property of shape.properties) {
    let field = hasOwn(source, property.name) ? source[property.name] : undefined;
    if ((field === undefined || field === null) && property.default !== undefined) {
      field = typeof property.default === 'object' ? structuredClone(property.default) : property.default;
    }
    if (field !== undefined) copy[property.name] = copyOf(field, property.shape);
  }
  return copy;
}
