import type { Finding } from './compiled-validators';

// PostgreSQL cannot store U+0000 in text or jsonb, and an unpaired surrogate is not Unicode (it
// has no UTF-8 form, so it is mangled on the way out). Valid UTF-8 bytes cannot hold either
// except through the JSON escapes `\u0000` and `\ud800`-`\udfff`, which JSON.parse accepts. Every
// string and property name of the event is checked, unknown fields included: the api forwards
// the event as received, unknown fields and all.

const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Enough to name the problem; a hostile message could hold thousands. */
const MAX_FINDINGS = 100;

/**
 * Whether JSON text may decode to a string that `unsafeStringFindings` refuses: false when it has
 * no `\u` escape at all (and, for text that did not come from validated UTF-8, no surrogate).
 */
export function mayHoldUnsafeStrings(text: string, fromUtf8: boolean): boolean {
  return text.includes('\\u') || (!fromUtf8 && SUSPECT.test(text));
}

/** Bytes of a message (valid UTF-8 or not) that hold no `\u` escape cannot decode to an unsafe string. */
export function bytesMayHoldUnsafeStrings(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('\\u');
}

function problemOf(text: string): string | undefined {
  if (!SUSPECT.test(text)) return undefined;
  if (text.includes('\u0000')) return 'U+0000 (NUL)';
  const surrogate = UNPAIRED_SURROGATE.exec(text);
  return surrogate ? `an unpaired surrogate (U+${surrogate[0].charCodeAt(0).toString(16).toUpperCase()})` : undefined;
}

/** A container still to visit; its path is kept as a link to its parent (deep nesting stays linear). */
interface Frame {
  value: object;
  parent: Frame | undefined;
  key: string;
}

/** Deeper paths are shortened: a field name is for reading (and goes into a Kafka header). */
const MAX_PATH_SEGMENTS = 32;

function pathOf(frame: Frame | undefined, key: string): string[] {
  const path = [key];
  for (let at = frame; at && at.parent !== undefined; at = at.parent) path.push(at.key);
  path.reverse();
  return path.length <= MAX_PATH_SEGMENTS ? path : [...path.slice(0, MAX_PATH_SEGMENTS - 2), '…', path[path.length - 1]];
}

/** A field path segment that is safe to show (the property name itself may be the problem). */
const printable = (key: string) => (problemOf(key) ? JSON.stringify(key).slice(1, -1) : key);

const INDEX = /^(?:0|[1-9][0-9]*)$/;

/** The name a message uses for a path: its last property, with the indexes after it (`itemIds.3`). */
function labelOf(path: readonly string[]): string {
  let start = path.length - 1;
  while (start > 0 && INDEX.test(path[start])) start -= 1;
  return path.slice(start).join('.');
}

/**
 * Every string and property name of a parsed JSON value that holds U+0000 or an unpaired
 * surrogate, named by its dotted path. Iterative: a deeply nested value cannot exhaust the stack.
 */
export function unsafeStringFindings(root: unknown): Finding[] {
  const findings: Finding[] = [];
  if (typeof root === 'string') {
    const problem = problemOf(root);
    return problem ? [{ field: '', message: `the message must not contain ${problem}`, constraint: 'safeString' }] : [];
  }
  if (typeof root !== 'object' || root === null) return findings;
  const stack: Frame[] = [{ value: root, parent: undefined, key: '' }];
  while (stack.length > 0 && findings.length < MAX_FINDINGS) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(frame, String(i), value[i]);
    } else {
      for (const key of Object.keys(value)) {
        const keyProblem = problemOf(key);
        if (keyProblem) {
          findings.push({
            field: pathOf(frame, printable(key)).join('.'),
            message: `the property name ${JSON.stringify(key)} must not contain ${keyProblem}`,
            constraint: 'safeString',
          });
        } else {
          visit(frame, key, (value as Record<string, unknown>)[key]);
        }
      }
    }
  }
  function visit(parent: Frame, key: string, item: unknown) {
    if (typeof item === 'string') {
      const problem = problemOf(item);
      if (problem) {
        const path = pathOf(parent, key);
        findings.push({ field: path.join('.'), message: `${labelOf(path)} must not contain ${problem}`, constraint: 'safeString' });
      }
    } else if (typeof item === 'object' && item !== null) {
      stack.push({ value: item, parent, key });
    }
  }
  return findings.slice(0, MAX_FINDINGS);
}
