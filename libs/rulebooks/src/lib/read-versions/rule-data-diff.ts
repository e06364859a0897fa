/** One difference between two versions' rule data: the dotted path (array items by index) and both values. */
export interface RuleDataChange {
  path: string;
  from: unknown;
  to: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What changed from `a` to `b`, leaf by leaf, in path order: a member only one side has is a change
 * from or to undefined (absent); arrays of scalars (lists of measures, scenarios) compare whole, arrays
 * of objects (ladder steps, deposit overrides) item by item.
 */
export function diffRuleData(a: unknown, b: unknown, path = ''): RuleDataChange[] {
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffRuleData(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && (a.some(isRecord) || b.some(isRecord))) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => diffRuleData(a[i], b[i], `${path}[${i}]`)).flat();
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, from: a, to: b }];
}
