import fc from 'fast-check';
import { bodyTextProblems, headerProblems, jsonDepthExceeds, percentDecode, requestTargetProblems } from './hostile-input';

/** Nesting depth of a parsed value, the obvious recursive way (fine for the small values generated here). */
const depthOf = (value: unknown): number =>
  Array.isArray(value) ? 1 + Math.max(0, ...value.map(depthOf)) : value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;

describe('hostile input checks', () => {
  it('property: the depth scan agrees with the depth of the parsed value, strings with brackets and escapes included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (value, limit) => {
        expect(jsonDepthExceeds(JSON.stringify(value), limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
    expect(jsonDepthExceeds(JSON.stringify({ text: '[[[[{{{{\\"[[[[' }), 1)).toBe(false);
  });

  it('scans and walks 100,000 levels without a stack overflow', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(jsonDepthExceeds(deep)).toBe(true);
    let value: unknown = 'a\u0000';
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(bodyTextProblems(value)).toHaveLength(1);
  });

  it('property: percent-decoding agrees with decodeURIComponent on valid UTF-8, and refuses what it would throw on', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (text) => {
        expect(percentDecode(encodeURIComponent(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), (bytes) => {
        const encoded = Array.from(bytes, (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
        let expected: string | undefined;
        try {
          expected = decodeURIComponent(encoded);
        } catch {
          expected = undefined;
        }
        expect(percentDecode(encoded)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('names the path parameter, the query parameter and the header at fault', () => {
    const names = ['merchants', 'merchantId', 'audit'];
    expect(requestTargetProblems('/merchants/%ED%A0%80/audit?limit=5&actor=a%00', (i) => (i === 1 ? `path.${names[i]}` : undefined))).toEqual([
      { field: 'path.merchantId', message: 'must be percent-encoded UTF-8' },
      { field: 'query.actor', message: 'must not contain NUL characters' },
    ]);
    expect(requestTargetProblems('/a/%E4%B8%AD?q=%E4%B8%AD+x', () => undefined)).toEqual([]);
    expect(headerProblems({ 'x-api-key': 'pk_1_\u00c3(', authorization: 'Bearer ok' })).toEqual([{ field: 'header.x-api-key', message: 'must be printable ASCII' }]);
  });

  it('checks date-times against the rule given, wherever they are', () => {
    const rules = { isDateTime: (v: string) => !v.includes(':60'), dateTimeRule: 'a date-time of the contract' };
    expect(bodyTextProblems({ evidence: [{ validFrom: '2026-06-30T23:59:60Z' }], note: 'at 23:59:60' }, rules)).toEqual([{ field: 'evidence[0].validFrom', message: 'must be a date-time of the contract' }]);
  });
});
