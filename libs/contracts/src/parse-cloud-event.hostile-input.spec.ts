import Ajv from 'ajv';
import {
  DeadLetterReasons,
  EventTypes,
  MAX_MESSAGE_BYTES,
  ParseFailureReasons,
  ViolationDetectedV1,
  goldenFixture,
  parseCloudEvent,
  type ParseResult,
} from './index';
import { CONTRACT_SCHEMAS } from './validation/contract-schemas';
import { compiledEventType } from './validation/compiled-validators';

// What the contract refuses beyond the payload classes (events.md: 256 KiB per message; strings
// PostgreSQL can store; date-times within bounds), and the guarantees of the compiled parser.

const violation = () => goldenFixture(EventTypes.ViolationDetectedV1);

function failed(result: ParseResult) {
  if (result.ok) throw new Error('expected the parse to fail');
  return result;
}

/** An event whose JSON is exactly `bytes` long (padded with an unknown attribute). */
function eventOfSize(bytes: number): string {
  const event = violation();
  event.padding = '';
  event.padding = 'p'.repeat(bytes - Buffer.byteLength(JSON.stringify(event)));
  return JSON.stringify(event);
}

describe('parseCloudEvent: size', () => {
  it('accepts a message of exactly 262,144 bytes, as bytes, text and a parsed value', () => {
    const text = eventOfSize(MAX_MESSAGE_BYTES);
    expect(Buffer.byteLength(text)).toBe(MAX_MESSAGE_BYTES);
    for (const raw of [Buffer.from(text), text, JSON.parse(text)]) expect(parseCloudEvent(raw).ok).toBe(true);
  });

  it('refuses one byte more with TOO_LARGE, before parsing', () => {
    const text = eventOfSize(MAX_MESSAGE_BYTES + 1);
    for (const raw of [Buffer.from(text), text, JSON.parse(text)]) {
      const result = failed(parseCloudEvent(raw));
      expect(result.reason).toBe('TOO_LARGE');
      expect(result.message).toContain(`${MAX_MESSAGE_BYTES + 1} bytes`);
    }
    // Not even parsed: bytes that are not JSON at all are too large first.
    expect(failed(parseCloudEvent(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0xff))).reason).toBe('TOO_LARGE');
  });

  it('measures text in UTF-8 bytes, not characters', () => {
    const event = violation();
    event.padding = '文'.repeat(90_000); // 90,000 characters, 270,000 bytes
    expect(failed(parseCloudEvent(JSON.stringify(event))).reason).toBe('TOO_LARGE');
  });

  it('is a dead-letter reason', () => {
    expect(ParseFailureReasons).toContain('TOO_LARGE');
    expect(DeadLetterReasons).toContain('TOO_LARGE');
  });
});

describe('parseCloudEvent: date-times outside the contract', () => {
  it.each([
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['before 1970', '1969-12-31T23:59:59Z'],
    ['before 1970 once the offset is applied', '1970-01-01T07:00:00+08:00'],
    ['at 2100', '2100-01-01T00:00:00Z'],
    ['far in the future', '9999-12-31T23:59:59Z'],
  ])('refuses %s in data, naming the field', (_, occurredAt) => {
    const raw = violation();
    raw.data.occurredAt = occurredAt;
    const result = failed(parseCloudEvent(raw));
    expect(result.reason).toBe('DATA_INVALID');
    expect(result.violations).toEqual([{ field: 'data.occurredAt', message: expect.stringContaining('2100-01-01T00:00:00Z') }]);
  });

  it('refuses them in the envelope and in nested objects', () => {
    const envelope = violation();
    envelope.time = '2016-12-31T23:59:60Z';
    expect(failed(parseCloudEvent(envelope))).toMatchObject({ reason: 'ENVELOPE_INVALID', violations: [{ field: 'time' }] });
    const sanction = goldenFixture(EventTypes.SanctionImposedV1);
    sanction.data.measures[0].endsAt = '2200-01-01T00:00:00Z';
    expect(failed(parseCloudEvent(sanction))).toMatchObject({ reason: 'DATA_INVALID', violations: [{ field: 'data.measures.0.endsAt' }] });
  });

  it('accepts the bounds themselves', () => {
    const raw = violation();
    raw.data.occurredAt = '1970-01-01T00:00:00Z';
    raw.time = '2099-12-31T23:59:59.999Z';
    expect(parseCloudEvent(raw).ok).toBe(true);
  });
});

describe('parseCloudEvent: U+0000 and unpaired surrogates', () => {
  /** JSON text of the violation with `replace` applied to it (escapes survive as written). */
  const text = (edit: (json: string) => string) => edit(JSON.stringify(violation()));

  it.each([
    ['data.violationId', 'DATA_INVALID', (t: string) => t.replace('"la-2023-000123"', '"la-2023\\u0000-000123"')],
    ['data.evidence.0.uri', 'DATA_INVALID', (t: string) => t.replace('1.png"', '1.png\\u0000"')],
    ['data.itemIds.1', 'DATA_INVALID', (t: string) => t.replace('"i-5502"', '"i-\\u0000"')],
    ['data.description', 'DATA_INVALID', (t: string) => t.replace('"The same', '"\\ud800The same')],
    ['data.description', 'DATA_INVALID', (t: string) => t.replace('"The same', '"\\udfffThe same')],
    ['data.description', 'DATA_INVALID', (t: string) => t.replace('"The same', '"\\ude00\\ud83dThe same')],
    ['source', 'ENVELOPE_INVALID', (t: string) => t.replace('"source":"listing-audit"', '"source":"listing\\u0000audit"')],
    ['traceparent', 'ENVELOPE_INVALID', (t: string) => t.replace('{', '{"traceparent":"\\u0000",')],
    ['data.priority.0', 'DATA_INVALID', (t: string) => t.replace('"data":{', '"data":{"priority":["\\ud800"],')],
    ['data.note\\u0000', 'DATA_INVALID', (t: string) => t.replace('"data":{', '"data":{"note\\u0000":1,')],
  ])('refuses one at %s (%s), from bytes and from text', (field, reason, edit) => {
    const json = text(edit);
    for (const raw of [Buffer.from(json), json, JSON.parse(json)]) {
      const result = failed(parseCloudEvent(raw));
      expect(result.reason).toBe(reason);
      expect(result.violations.map((v) => v.field)).toContain(field);
      // What the failure says can go to a Kafka header and to PostgreSQL.
      expect(result.message).not.toMatch(/[\u0000\uD800-\uDFFF]/);
      for (const v of result.violations) expect(v.field + v.message).not.toMatch(/[\u0000\uD800-\uDFFF]/);
    }
  });

  it('refuses a lone surrogate given as text (not from UTF-8 bytes)', () => {
    const raw = violation();
    raw.data.description = 'broken \uD800 text';
    const result = failed(parseCloudEvent(JSON.stringify(raw)));
    expect(result).toMatchObject({ reason: 'DATA_INVALID', violations: [{ field: 'data.description' }] });
  });

  it('accepts astral characters (paired surrogates), escaped or not, and an escaped backslash before u0000', () => {
    const raw = violation();
    raw.data.description = 'Fake 😀 and the text \\u0000, which is not a NUL';
    const json = JSON.stringify(raw).replace('😀', '\\ud83d\\ude00');
    for (const input of [Buffer.from(json), json, JSON.parse(json)]) {
      const result = parseCloudEvent(input, { expectedTypes: [EventTypes.ViolationDetectedV1] });
      if (!result.ok) throw new Error(result.message);
      expect(result.event.data.description).toBe(raw.data.description);
    }
  });

  it('finds one deep in an unknown field in linear time, and names it briefly', () => {
    const depth = 100_000;
    const json = JSON.stringify(violation()).replace('"data":{', `"data":{"deep":${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)},`);
    // (Paths copied per level would make this quadratic: billions of steps, the test would time out.)
    const result = failed(parseCloudEvent(Buffer.from(json)));
    expect(result.reason).toBe('DATA_INVALID');
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0].field).toMatch(/^data\.deep\.0\.0\..*…\.0$/);
    expect(result.message.length).toBeLessThan(400);
  });

  it('reports NUL before the rules of the same field', () => {
    const raw = violation();
    raw.data.code = 'COUNTERFEIT\u0000GOODS';
    const result = failed(parseCloudEvent(raw));
    expect(result.reason).toBe('DATA_INVALID');
    expect(result.violations).toEqual([{ field: 'data.code', message: 'code must not contain U+0000 (NUL)' }]);
  });
});

describe('parseCloudEvent: what callers get', () => {
  it('data is an instance of the data class, nested objects are plain objects', () => {
    const result = parseCloudEvent(violation(), { expectedTypes: [EventTypes.ViolationDetectedV1] });
    if (!result.ok) throw new Error(result.message);
    expect(result.event.data).toBeInstanceOf(ViolationDetectedV1);
    expect(Object.getPrototypeOf(result.event.data.evidence![0])).toBe(Object.prototype);
  });

  it('copies: the event shares no object or array with the value it was given', () => {
    const raw = violation();
    const result = parseCloudEvent(raw, { expectedTypes: [EventTypes.ViolationDetectedV1] });
    if (!result.ok) throw new Error(result.message);
    expect(result.event.data.itemIds).not.toBe(raw.data.itemIds);
    expect(result.event.data.evidence![0]).not.toBe(raw.data.evidence[0]);
  });

  it('ignores a field inherited from a prototype of a parsed value', () => {
    const data = Object.create({ severity: 'SEVERE' });
    Object.assign(data, violation().data);
    delete data.severity;
    const raw = { ...violation(), data };
    expect(failed(parseCloudEvent(raw))).toMatchObject({ reason: 'DATA_INVALID', violations: [{ field: 'data.severity' }] });
  });

  it('counts string lengths in code points, as JSON Schema and PostgreSQL do (validator.js skipped U+FE0F)', () => {
    const raw = violation();
    raw.subject = raw.data.merchantId = `${'m'.repeat(63)}\u2764\uFE0F`; // 65 code points, 64 for validator.js
    expect(failed(parseCloudEvent(raw)).violations.map((v) => v.field)).toEqual(['subject']);
    raw.subject = raw.data.merchantId = '😀'.repeat(64); // 64 code points, 128 UTF-16 units
    expect(parseCloudEvent(raw).ok).toBe(true);
  });

  it('keeps the messages of the classes', () => {
    const raw = violation();
    raw.data.evidence[0].sha256 = 'abc';
    expect(failed(parseCloudEvent(raw)).violations).toEqual([{ field: 'data.evidence.0.sha256', message: 'sha256 must be 64 hexadecimal characters' }]);
    const profile = goldenFixture(EventTypes.MerchantProfileUpdatedV1);
    profile.data.contact.webhookUrl = 'ftp://merchant.example/hook';
    expect(failed(parseCloudEvent(profile)).violations).toEqual([{ field: 'data.contact.webhookUrl', message: 'webhookUrl must be an http or https URL' }]);
  });

  it('quotes at most a readable piece of a long invalid value', () => {
    const raw = violation();
    raw.data.code = 'X'.repeat(100_000);
    const result = failed(parseCloudEvent(raw));
    expect(result.reason).toBe('UNKNOWN_VIOLATION_CODE');
    expect(result.message.length).toBeLessThan(300);
  });

  it('never throws, whatever it is given', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    for (const raw of [cyclic, 42, true, Symbol('x'), () => 1, new Uint8Array([0x7b]), { ...violation(), data: deep }, '['.repeat(100_000)]) {
      expect(() => parseCloudEvent(raw)).not.toThrow();
      expect(parseCloudEvent(raw).ok).toBe(false);
    }
  });
});

describe('compiled validators', () => {
  it('are compiled once per type', () => {
    expect(compiledEventType(EventTypes.SanctionImposedV1)).toBe(compiledEventType(EventTypes.SanctionImposedV1));
  });

  it('every schema has the same envelope (the parser checks it once, from the first)', () => {
    const envelopes = Object.values(CONTRACT_SCHEMAS).map((schema) => {
      const { type, data, ...attributes } = schema.properties as Record<string, unknown>;
      void type;
      void data;
      return JSON.stringify({ attributes, required: schema.required });
    });
    expect(new Set(envelopes).size).toBe(1);
  });

  it('every published schema compiles under ajv strict mode with only the formats the parser defines', () => {
    const ajv = new Ajv({ strict: true, formats: { 'date-time': true, email: true, uri: true } });
    for (const schema of Object.values(CONTRACT_SCHEMAS)) expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('every `uri` of the schemas is an http(s) URL (the parser checks uri as such)', () => {
    const uris: unknown[] = [];
    const visit = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node !== null && typeof node === 'object') {
        const schema = node as Record<string, unknown>;
        if (schema.format === 'uri') uris.push(schema.pattern);
        Object.values(schema).forEach(visit);
      }
    };
    Object.values(CONTRACT_SCHEMAS).forEach(visit);
    expect(uris.length).toBeGreaterThan(0);
    for (const pattern of uris) expect(pattern).toBe('^[Hh][Tt][Tt][Pp][Ss]?://');
  });
});
