import { compositeKey, firstByKey, foldByKey, lastByKey } from './fold-by-key';

describe('folding a batch by row key', () => {
  const rows = [
    { key: 'm-2', value: 1 },
    { key: 'm-1', value: 2 },
    { key: 'm-2', value: 3 },
    { key: 'm-1', value: 4 },
    { key: 'm-3', value: 5 },
  ];

  it('keeps the last row per key, ordered by key', () => {
    expect(lastByKey(rows, (r) => r.key)).toEqual([{ key: 'm-1', value: 4 }, { key: 'm-2', value: 3 }, { key: 'm-3', value: 5 }]);
  });

  it('keeps the first row per key, ordered by key', () => {
    expect(firstByKey(rows, (r) => r.key)).toEqual([{ key: 'm-1', value: 2 }, { key: 'm-2', value: 1 }, { key: 'm-3', value: 5 }]);
  });

  it('folds each key in batch order', () => {
    expect(foldByKey(rows, (r) => r.key, (r) => [r.value], (values, r) => [...values, r.value])).toEqual([[2, 4], [1, 3], [5]]);
  });

  it('tells composite keys apart whatever their parts hold', () => {
    expect(compositeKey('a|b', 'c')).not.toBe(compositeKey('a', 'b|c'));
    expect(compositeKey('a', 1)).toBe(compositeKey('a', 1));
  });
});
