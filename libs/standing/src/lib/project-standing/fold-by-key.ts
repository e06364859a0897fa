/**
 * Reduces a batch's rows to one per key, folding each key's rows in batch order: what a sequence of
 * upserts would leave, computed in memory, because one INSERT … ON CONFLICT DO UPDATE cannot touch a
 * row twice. The result is ordered by key, so concurrent writers lock rows in the same order.
 */
export function foldByKey<T, R>(items: Iterable<T>, keyOf: (item: T) => string, first: (item: T) => R, next: (folded: R, item: T) => R): R[] {
  const folded = new Map<string, R>();
  for (const item of items) {
    const key = keyOf(item);
    folded.set(key, folded.has(key) ? next(folded.get(key) as R, item) : first(item));
  }
  return [...folded].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}

/** The last row per key (the latest state wins), ordered by key. */
export function lastByKey<T>(items: Iterable<T>, keyOf: (item: T) => string): T[] {
  return foldByKey(items, keyOf, (item) => item, (_, item) => item);
}

/** The first row per key (what ON CONFLICT DO NOTHING keeps), ordered by key. */
export function firstByKey<T>(items: Iterable<T>, keyOf: (item: T) => string): T[] {
  return foldByKey(items, keyOf, (item) => item, (folded) => folded);
}

/** A composite key of text parts that cannot collide (no separator can occur inside JSON-quoted parts). */
export const compositeKey = (...parts: (string | number)[]): string => JSON.stringify(parts);
