import { RULE_SETS } from '../rule-sets.data';
import { canonicalJson, contentHashOf } from './canonical-json';
import { ruleDataOf } from './rule-data';

describe('canonicalJson and contentHashOf', () => {
  it('sorts keys at every depth, writes no whitespace, dates as ISO strings and leaves undefined members out', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, e: undefined, t: new Date('2022-06-27T00:00:00+08:00') })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1,"t":"2022-06-26T16:00:00.000Z"}',
    );
  });

  it('refuses what JSON cannot carry exactly, naming where', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow('NaN at a[1]');
    expect(() => canonicalJson({ a: { b: Infinity } })).toThrow('at a.b');
    expect(() => canonicalJson([undefined])).toThrow('undefined at [0]');
    expect(() => canonicalJson({ f: () => 1 })).toThrow('a function at f');
    expect(() => canonicalJson({ d: new Date('nope') })).toThrow('invalid date at d');
    expect(() => canonicalJson({ m: new Map([['a', 1]]) })).toThrow('a Map at m is not a plain object');
    expect(() => canonicalJson([new Set([1])])).toThrow('a Set at [0]');
    class Cell {
      points = 1;
    }
    expect(() => canonicalJson({ c: new Cell() })).toThrow('a Cell at c is not a plain object');
    expect(canonicalJson(Object.assign(Object.create(null), { b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
  });

  it('hashes equal content equally whatever the key order, and any change differently', () => {
    const data = ruleDataOf(RULE_SETS[1]);
    const reordered = Object.fromEntries(Object.entries(data).reverse());
    expect(contentHashOf(reordered)).toBe(contentHashOf(data));
    expect(contentHashOf(data)).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHashOf({ ...data, appealWindowDays: 16 })).not.toBe(contentHashOf(data));
    expect(contentHashOf(ruleDataOf(RULE_SETS[0]))).not.toBe(contentHashOf(data));
  });

  it('is sha256 of the canonical text (a known vector)', () => {
    expect(contentHashOf({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});
