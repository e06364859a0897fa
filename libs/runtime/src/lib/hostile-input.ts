import type { FieldProblem } from './problem-details';

// Checks of untrusted request text that every service applies before a controller sees it (see
// http-edge.ts). All of them are iterative: a hostile input is as deep or as long as its sender
// likes, and a recursion over it is a stack overflow (a 500) waiting to happen.

/** Nesting of objects and arrays a JSON body may have (the deepest request of the platform needs 4). */
export const MAX_JSON_DEPTH = 64;
/** At most this many problems are listed in one answer. */
const MAX_PROBLEMS = 20;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Text of UTF-8 bytes, or undefined when they are not valid UTF-8 (overlong forms, encoded surrogates, truncated sequences). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

const HEX = /^[0-9a-fA-F]{2}$/;

/**
 * Percent-decodes a URL component to its raw bytes and then strictly as UTF-8 (`+` is a space in a
 * query, not in a path). `%C3%28` (invalid UTF-8) and `%ED%A0%80` (an encoded surrogate) are refused,
 * where `querystring` would silently turn them into U+FFFD. A stray `%` is refused too.
 */
export function percentDecode(raw: string, plusIsSpace = false): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 /* % */) {
      const hex = raw.slice(i + 1, i + 3);
      if (!HEX.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === 0x2b /* + */ && plusIsSpace) {
      bytes.push(0x20);
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Node hands the request target over as latin1: each char is one byte of the wire.
      if (c > 0xff) return undefined;
      bytes.push(c);
    }
  }
  return decodeUtf8(Uint8Array.from(bytes));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a decoded string cannot be taken as text, or undefined when it can. */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (no unpaired surrogate)';
  return undefined;
}

/** Looks like an RFC 3339 date-time (date, `T`, time with seconds): such a value must lie within the contract's bounds. */
const DATE_TIME_SHAPE = /^[+-]?\d{4,}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}/;

export interface TextRules {
  /** The contract's date-time rule (libs/contracts isRfc3339DateTime); date-time values outside it are refused. */
  isDateTime?: (value: string) => boolean;
  /** Says the rule, for the message. */
  dateTimeRule?: string;
}

/** The problem of one text field (decoded), or undefined when it is fine. */
export function fieldTextProblem(value: string, rules: TextRules): string | undefined {
  const problem = textProblem(value);
  if (problem) return problem;
  if (rules.isDateTime && DATE_TIME_SHAPE.test(value) && !rules.isDateTime(value)) return `must be ${rules.dateTimeRule ?? 'a valid date-time'}`;
  return undefined;
}

/**
 * Depth of the deepest nesting of `text` read as JSON, stopping as soon as it exceeds `limit`: one
 * linear pass that skips strings, so a 20,000-deep body costs no recursion anywhere.
 */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

const fieldPath = (parent: string, key: string | number) =>
  typeof key === 'number' ? `${parent}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? (parent ? `${parent}.${key}` : key) : `${parent}[${JSON.stringify(key)}]`;

/**
 * Every string (and object key) of a parsed JSON value that is not acceptable text: NUL, unpaired
 * surrogates (JSON's `\u0000` and `\ud800` escapes produce them from valid UTF-8), date-times outside
 * the contract. Walks with an explicit stack; each problem names the field (`evidence[0].validFrom`).
 */
export function bodyTextProblems(value: unknown, rules: TextRules = {}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      const message = fieldTextProblem(current, rules);
      if (message) problems.push({ field: path, message });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: fieldPath(path, i) });
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        const keyProblem = textProblem(key);
        if (keyProblem) {
          problems.push({ field: fieldPath(path, key), message: `the member name ${keyProblem}` });
          continue;
        }
        stack.push({ value: (current as Record<string, unknown>)[key], path: fieldPath(path, key) });
      }
    }
  }
  return problems;
}

/** A route as the edge knows it: method and path template (`/v1/merchants/:merchantId/standing`). */
export interface RouteTemplate {
  method: string;
  path: string;
}

/** The segments of a template: a parameter name (`:merchantId`) or a literal (`violations:batch`, unescaped). */
export function templateSegments(path: string): { param?: string; literal?: string }[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s.replace(/\\/g, '') }));
}

/**
 * Checks the raw request target (path and query, as received): every path segment and every query
 * name and value must percent-decode to valid UTF-8 text without NUL. A path parameter is named after
 * the route's template (`path.merchantId`) when `segmentName` knows it, a query value after its name.
 */
export function requestTargetProblems(rawTarget: string, segmentName: (index: number) => string | undefined, rules: TextRules = {}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const queryAt = rawTarget.indexOf('?');
  const rawPath = queryAt < 0 ? rawTarget : rawTarget.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : rawTarget.slice(queryAt + 1);
  rawPath
    .split('/')
    .filter((s) => s !== '')
    .forEach((segment, index) => {
      const decoded = percentDecode(segment);
      const field = segmentName(index) ?? `path segment ${index + 1}`;
      const message = decoded === undefined ? 'must be percent-encoded UTF-8' : fieldTextProblem(decoded, rules);
      if (message) problems.push({ field, message });
    });
  for (const pair of rawQuery.split('&')) {
    if (pair === '' || problems.length >= MAX_PROBLEMS) continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const name = percentDecode(rawName, true);
    const nameProblem = name === undefined ? 'must be percent-encoded UTF-8' : textProblem(name);
    if (nameProblem) {
      problems.push({ field: 'query', message: `a parameter name ${nameProblem}` });
      continue;
    }
    const value = percentDecode(eq < 0 ? '' : pair.slice(eq + 1), true);
    const message = value === undefined ? 'must be percent-encoded UTF-8' : fieldTextProblem(value, rules);
    if (message) problems.push({ field: `query.${name}`, message });
  }
  return problems;
}

/**
 * Headers whose values become ids or credentials (API key id, session token, CSRF token, idempotency
 * and request ids): printable ASCII only. Node reads header bytes as latin1, so UTF-8 (valid or not)
 * would arrive as mojibake and be compared or stored mangled.
 */
export const ID_HEADERS = ['x-api-key', 'authorization', 'x-csrf-token', 'x-request-id', 'idempotency-key'] as const;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function headerProblems(headers: Record<string, string | string[] | undefined>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const name of ID_HEADERS) {
    const raw = headers[name];
    for (const value of Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) {
      if (!PRINTABLE_ASCII.test(value)) problems.push({ field: `header.${name}`, message: 'must be printable ASCII' });
    }
  }
  return problems;
}
