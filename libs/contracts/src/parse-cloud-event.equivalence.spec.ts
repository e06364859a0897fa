import fc from 'fast-check';
import { EventTypes, goldenFixture, parseCloudEvent, type EventType, type ParseResult } from './index';
import { MAX_MESSAGE_BYTES } from './parse-failure';
import { parseWithClassValidator } from './validation/class-validator-reference.testing';

// The compiled validators against the payload classes: every golden fixture and thousands of
// variants of them go through parseCloudEvent (ajv, from the generated schemas) and through the
// class-validator parser it replaced; both must give the same outcome: valid with the same event,
// or refused for the same reason naming the same fields. Messages may be worded differently.
//
// Outside the comparison, on purpose (parse-cloud-event.hostile-input.spec.ts tests them):
// - what the classes never checked: size (TOO_LARGE), U+0000 and unpaired surrogates;
// - lengths of strings with variation selectors (U+FE0E, U+FE0F): validator.js does not count
//   them, JSON Schema counts every code point (as PostgreSQL's varchar does). Generated strings
//   have none.

const ALL_TYPES = Object.values(EventTypes) as EventType[];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Outcome =
  | { ok: true; event: Json }
  | { ok: false; reason: string; fields: string[] };

/** JSON with sorted keys: outcomes compare as text. */
function canonical(value: unknown): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value as Json;
}

function outcomeOf(result: ParseResult): Outcome {
  if (result.ok) return { ok: true, event: canonical(JSON.parse(JSON.stringify(result.event))) };
  return { ok: false, reason: result.reason, fields: [...new Set(result.violations.map((v) => v.field))].sort() };
}

/** Both parsers on the same bytes, as a consumer receives them. */
function compare(event: unknown, expectedTypes?: EventType[]): { compiled: Outcome; reference: Outcome } {
  const bytes = Buffer.from(JSON.stringify(event), 'utf8');
  const opts = expectedTypes ? { expectedTypes } : {};
  return { compiled: outcomeOf(parseCloudEvent(bytes, opts)), reference: outcomeOf(parseWithClassValidator(bytes, opts)) };
}

/** Every path of a JSON value except the root: ['data', 'evidence', '0', 'sha256'], … */
function pathsOf(value: Json, at: string[] = []): string[][] {
  const paths: string[][] = at.length > 0 ? [at] : [];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...at, String(i)])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item as Json, [...at, key]));
  }
  return paths;
}

const DELETE = Symbol('delete');

/** Sets (or deletes) the value at `path`; false if its parent is not there any more. */
function setAt(root: Record<string, any>, path: readonly string[], value: unknown): boolean {
  let parent: any = root;
  for (const segment of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return false;
    parent = parent[segment];
  }
  if (parent === null || typeof parent !== 'object') return false;
  const last = path[path.length - 1];
  if (value === DELETE) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    parent[last] = value;
  }
  return true;
}

const sha256 = 'ab'.repeat(32);

// Values that sit on or next to a rule of the contract (types, lengths, enums, formats, bounds).
const INTERESTING: unknown[] = [
  DELETE,
  null,
  0,
  -1,
  1,
  2,
  3,
  1.5,
  12,
  13,
  2023,
  9007199254740991,
  9007199254740992,
  -9007199254740992,
  true,
  false,
  '',
  ' ',
  'x',
  '1',
  'm-10001',
  'm'.repeat(64),
  'm'.repeat(65),
  'v'.repeat(128),
  'v'.repeat(129),
  'v'.repeat(256),
  'v'.repeat(257),
  'd'.repeat(4000),
  'd'.repeat(4001),
  '😀'.repeat(64),
  '😀'.repeat(65),
  sha256,
  sha256.toUpperCase(),
  'g'.repeat(64),
  'a'.repeat(63),
  {},
  [],
  ['x'],
  [''],
  [1],
  [{}],
  [null],
  [[]],
  { kind: 'k', uri: 'u', sha256 },
  '2023-06-25T10:00:00+08:00',
  '2023-06-25T10:00:00',
  '2023-06-25',
  '2023-02-29T00:00:00Z',
  '2016-12-31T23:59:60Z',
  '1969-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '2099-12-31T23:59:59Z',
  '2100-01-01T00:00:00Z',
  'https://merchant.example/hooks',
  'http://localhost:8080/hook',
  'HTTPS://merchant.example',
  'ftp://merchant.example/file',
  'mailto:owner@merchant.example',
  'https://exa_mple.com/hook',
  'owner@merchant.example',
  'owner@localhost',
  'not an email',
  '1.0',
  '0.3',
  'application/json',
  'text/plain',
  'violation.detected.v1',
  'penalty.adjusted.v1',
  'LADDER_NODE',
  'FORGERY',
  'DEPOSIT_SHORTFALL',
  'GENERAL',
  'SERIOUS',
  'NONE',
  'DELIST',
  'delist',
  'MINOR',
  'STANDARD',
  'COUNTERFEIT_GOODS',
  'SELLING_MOON_ROCKS',
  'AD_INFO',
  'EXAM',
  'EXPIRED',
  'STORE_SHIELDING',
  'PUBLIC_WARNING',
  'CNY',
  'USD',
  'zh-CN',
  'fr',
  'INBOX',
  'DELIVERED',
  'PENDING',
  'REJECTED',
  'MATERIALS_INCOMPLETE',
  'PENALTY',
  'GRANTED',
  'PAYMENT',
  'OPEN',
];

const ARRAY_SIZES = [0, 1, 49, 50, 51, 999, 1000, 1001];

describe('parseCloudEvent (compiled from the JSON Schemas) gives the outcomes of the class-validator parser', () => {
  it.each(ALL_TYPES)('golden %s: valid for both, the same event', (type) => {
    const { compiled, reference } = compare(goldenFixture(type), [type]);
    expect(compiled).toEqual(reference);
    expect(compiled.ok).toBe(true);
  });

  it.each(ALL_TYPES)('%s: every field of the golden event set to each value on the rules, or removed', (type) => {
    const golden = goldenFixture(type);
    const mismatches: unknown[] = [];
    let refused = 0;
    for (const path of pathsOf(golden as Json)) {
      for (const value of INTERESTING) {
        const event = goldenFixture(type);
        setAt(event, path, value);
        const { compiled, reference } = compare(event);
        if (!compiled.ok) refused += 1;
        if (JSON.stringify(compiled) !== JSON.stringify(reference)) {
          mismatches.push({ path: path.join('.'), value: value === DELETE ? '(removed)' : value, compiled, reference });
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(refused).toBeGreaterThan(0);
  });

  it.each(ALL_TYPES)('%s: arrays at their bounds, and unknown fields at every level', (type) => {
    const golden = goldenFixture(type);
    const mismatches: unknown[] = [];
    for (const path of pathsOf(golden as Json)) {
      const at = path.reduce<any>((value, segment) => value[segment], golden);
      if (Array.isArray(at)) {
        const element = at.length > 0 ? at[0] : 'x';
        for (const size of ARRAY_SIZES) {
          const event = goldenFixture(type);
          setAt(event, path, Array.from({ length: size }, () => structuredClone(element)));
          const { compiled, reference } = compare(event);
          // The reference knows no size limit: an event the copies take over 256 KiB is TOO_LARGE, nothing to compare.
          if (Buffer.byteLength(JSON.stringify(event)) > MAX_MESSAGE_BYTES) {
            if (compiled.ok || compiled.reason !== 'TOO_LARGE') mismatches.push({ path: path.join('.'), size, compiled, expected: 'TOO_LARGE' });
            continue;
          }
          if (JSON.stringify(compiled) !== JSON.stringify(reference)) mismatches.push({ path: path.join('.'), size, compiled, reference });
        }
      }
      if (at !== null && typeof at === 'object' && !Array.isArray(at)) {
        const event = goldenFixture(type);
        setAt(event, [...path, 'addedByANewerProducer'], { nested: ['value', 1] });
        const { compiled, reference } = compare(event);
        if (JSON.stringify(compiled) !== JSON.stringify(reference)) mismatches.push({ path: path.join('.'), unknown: true, compiled, reference });
        expect(compiled.ok).toBe(true);
      }
    }
    expect(mismatches).toEqual([]);
  });

  const TRICKY: Array<[string, EventType, (event: Record<string, any>) => unknown]> = [
    ['a FORGERY cause with a node that is not a ladder node', EventTypes.SanctionImposedV1, ({ data: d }) => (d.cause = { kind: 'FORGERY', node: 'x', naturalYear: 'y', violationIds: [] })],
    ['a LADDER_NODE cause without a node', EventTypes.SanctionImposedV1, ({ data: d }) => delete d.cause.node],
    ['a cause without a kind but with a bad node', EventTypes.SanctionImposedV1, ({ data: d }) => ((d.cause.node = 13), delete d.cause.kind)],
    ['a measure that is not an object and one that is invalid', EventTypes.SanctionImposedV1, ({ data: d }) => (d.measures = ['x', { type: 'JAIL' }])],
    ['an appeal whose evidence holds a string', EventTypes.AppealUpdatedV1, ({ data: d }) => (d.evidence = ['x'])],
    ['an appeal whose evidence holds an invalid document', EventTypes.AppealUpdatedV1, ({ data: d }) => (d.evidence[0].sha256 = 'x')],
    ['51 evidence items, one of them invalid', EventTypes.ViolationDetectedV1, ({ data: d }) => (d.evidence = Array.from({ length: 51 }, () => ({ kind: '', uri: 'u', sha256 })))],
    ['an unknown code and a bad severity', EventTypes.ViolationDetectedV1, ({ data: d }) => ((d.code = 'X'), (d.severity = 'x'))],
    ['an unknown code on a wrong subject', EventTypes.ViolationDetectedV1, ({ data: d }) => ((d.code = 'X'), (d.merchantId = 'm-2'))],
    ['itemAction null (NONE)', EventTypes.ViolationDetectedV1, ({ data: d }) => (d.itemAction = null)],
    ['itemAction empty', EventTypes.ViolationDetectedV1, ({ data: d }) => (d.itemAction = '')],
    ['optional fields all null', EventTypes.ViolationDetectedV1, ({ data: d }) => ['scenario', 'itemIds', 'evidence', 'description'].forEach((f) => (d[f] = null))],
    ['an optional contact of null, and contact fields of null', EventTypes.MerchantProfileUpdatedV1, ({ data: d }) => (d.contact = { email: null, phone: null, webhookUrl: null, locale: null })],
    ['a webhook URL with another scheme', EventTypes.MerchantProfileUpdatedV1, ({ data: d }) => (d.contact.webhookUrl = 'ftp://merchant.example/x')],
    ['a webhook URL without a scheme', EventTypes.MerchantProfileUpdatedV1, ({ data: d }) => (d.contact.webhookUrl = 'merchant.example/hook')],
    ['a webhook URL with an IP and a port', EventTypes.MerchantProfileUpdatedV1, ({ data: d }) => (d.contact.webhookUrl = 'http://10.0.0.1:8443/hook?x=1')],
    ['an e-mail address with a quoted local part', EventTypes.MerchantProfileUpdatedV1, ({ data: d }) => (d.contact.email = '"owner"@merchant.example')],
    ['categories that are not strings', EventTypes.MerchantProfileUpdatedV1, ({ data: d }) => (d.categories = ['a', 1, null])],
    ['a deposit change beyond the safe integers', EventTypes.DepositUpdatedV1, ({ data: d }) => (d.change.amountFen = -9007199254740992)],
    ['a deposit balance beyond the safe integers', EventTypes.DepositUpdatedV1, ({ data: d }) => (d.balanceFen = 9007199254740992)],
    ['a deposit requirement and shortfall beyond the safe integers', EventTypes.DepositUpdatedV1, ({ data: d }) => ((d.requiredFen = 9007199254740992), (d.shortfallFen = 2 ** 60))],
    ['a data that is an array', EventTypes.NotificationSentV1, (e) => (e.data = [e.data])],
  ];
  it.each(TRICKY)('%s', (_, type, change) => {
    const event = goldenFixture(type);
    change(event);
    const { compiled, reference } = compare(event);
    expect(compiled).toEqual(reference);
  });

  it.each([
    ['specversion', null],
    ['type', ''],
    ['type', 42],
    ['type', 'violation.detected.v2'],
    ['time', '2016-12-31T23:59:60Z'],
    ['datacontenttype', null],
    ['id', 'i'.repeat(257)],
    ['subject', ''],
    ['data', null],
    ['data', 'text'],
  ])('envelope: %s = %j', (attribute, value) => {
    const event = goldenFixture(EventTypes.ViolationDetectedV1);
    event[attribute] = value;
    const { compiled, reference } = compare(event);
    expect(compiled).toEqual(reference);
  });

  describe('property-based: random changes to golden events', () => {
    // Printable ASCII, astral and CJK text, and the values on the rules; no U+FE0E/U+FE0F
    // (counted differently, see above), no U+0000 or lone surrogates (refused only by the new parser).
    const text = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }).filter((s) => !/[\uFE0E\uFE0F\u0000]/.test(s)),
      fc.constantFrom(...INTERESTING.filter((v): v is string => typeof v === 'string')),
    );
    const leaf: fc.Arbitrary<unknown> = fc.oneof(
      text,
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(...INTERESTING),
    );
    const value = fc.oneof(
      { weight: 4, arbitrary: leaf },
      { weight: 1, arbitrary: fc.array(leaf, { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('kind', 'uri', 'sha256', 'type', 'x'), leaf, { maxKeys: 3 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    );

    it.each(ALL_TYPES)('%s', (type) => {
      const paths = pathsOf(goldenFixture(type) as Json);
      const change = fc.tuple(fc.constantFrom(...paths), value);
      fc.assert(
        fc.property(fc.array(change, { minLength: 1, maxLength: 3 }), (changes) => {
          const event = goldenFixture(type);
          for (const [path, newValue] of changes) setAt(event, path, newValue);
          const { compiled, reference } = compare(event);
          expect(compiled).toEqual(reference);
        }),
        { numRuns: 150 },
      );
    });
  });
});
