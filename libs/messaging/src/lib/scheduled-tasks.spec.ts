import fc from 'fast-check';
import { prefixSuccessor, taskKey, taskKeyPart, taskKeyPrefix } from './scheduled-tasks';

/** Code-point order, as PostgreSQL compares text under COLLATE "C" (UTF-8 bytes). */
const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('prefixSuccessor (the upper end of a key prefix range)', () => {
  it('raises the last code point', () => {
    expect(prefixSuccessor('reminder/m-1/')).toBe('reminder/m-10');
    expect(prefixSuccessor('a')).toBe('b');
    expect(prefixSuccessor('商户/')).toBe('商户0');
  });

  it('skips the surrogate range and carries past U+10FFFF', () => {
    expect(prefixSuccessor('x\ud7ff')).toBe('x\ue000');
    expect(prefixSuccessor('ab\u{10ffff}')).toBe('ac');
    expect(prefixSuccessor('\u{10ffff}\u{10ffff}')).toBeNull();
    expect(prefixSuccessor('')).toBeNull();
  });

  it('bounds exactly the strings that start with the prefix, in code-point order', () => {
    const text = fc.string({ unit: 'binary', maxLength: 6 });
    fc.assert(
      fc.property(text, text, (prefix, key) => {
        const high = prefixSuccessor(prefix);
        const inRange = byCodePoint(key, prefix) >= 0 && (high === null || byCodePoint(key, high) < 0);
        expect(inRange).toBe(key.startsWith(prefix));
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(text, text, (prefix, rest) => {
        const high = prefixSuccessor(prefix);
        expect(high === null || byCodePoint(prefix + rest, high) < 0).toBe(true);
      }),
    );
  });
});

describe('task keys', () => {
  it("escapes '/' and '%' in each part, so parts only ever split at their own separators", () => {
    expect(taskKeyPart('m/x%2F')).toBe('m%2Fx%252F');
    expect(taskKey('m/x', '2026-12-08T02:00:00.000Z')).toBe('m%2Fx/2026-12-08T02:00:00.000Z');
    expect(taskKey('m', 'x/2026-12-08T02:00:00.000Z')).not.toBe(taskKey('m/x', '2026-12-08T02:00:00.000Z'));
  });

  it("gives one merchant's prefix to its own keys only (merchant m, merchant m/x)", () => {
    expect(taskKey('m', '2026-12-08T02:00:00.000Z').startsWith(taskKeyPrefix('m'))).toBe(true);
    expect(taskKey('m/x', '2026-12-08T02:00:00.000Z').startsWith(taskKeyPrefix('m'))).toBe(false);
  });

  it('never makes one key from two different lists of parts (property)', () => {
    const part = fc.string({ unit: fc.constantFrom('a', '/', '%', '2', 'F', 'x'), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), fc.array(part, { minLength: 1, maxLength: 4 }), (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(taskKey(...a)).not.toBe(taskKey(...b));
        if (a.length < b.length && JSON.stringify(b.slice(0, a.length)) !== JSON.stringify(a)) expect(taskKey(...b).startsWith(taskKeyPrefix(...a))).toBe(false);
      }),
    );
  });
});
