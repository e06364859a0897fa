import { createHash } from 'node:crypto';

/**
 * A canonical JSON text of a value, so that equal rule data hashes equally wherever it was built:
 * object keys sorted (by UTF-16 code units), no whitespace, dates as ISO 8601 UTC strings, undefined
 * members left out (as JSON.stringify does), arrays in their order. A value JSON cannot carry exactly
 * (a non-finite number, a function, a bigint, a symbol, undefined in an array, a Map, a Set or a class
 * instance) is refused rather than turned into something else: a hash must not hide a difference.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`canonicalJson: invalid date at ${path || '(root)'}`);
    return JSON.stringify(value.toISOString());
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} at ${path || '(root)'} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => {
          if (item === undefined) throw new TypeError(`canonicalJson: undefined at ${path}[${i}]`);
          return write(item, `${path}[${i}]`);
        }).join(',')}]`;
      }
      const prototype = Object.getPrototypeOf(value);
      // A plain object's prototype is Object.prototype of some realm (structuredClone, vm contexts), whose own prototype is null.
      if (prototype !== null && Object.getPrototypeOf(prototype) !== null) {
        // A Map, Set or class instance would write as {} or lose its state: refuse it rather than hash something else.
        throw new TypeError(`canonicalJson: a ${(value as object).constructor?.name ?? 'non-plain object'} at ${path || '(root)'} is not a plain object`);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write(record[k], path ? `${path}.${k}` : k)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} at ${path || '(root)'} is not JSON`);
  }
}

/** The content hash of a version's rule data: sha256 of its canonical JSON, lower-case hex. */
export function contentHashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
