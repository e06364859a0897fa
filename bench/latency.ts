// Percentiles of a set of latencies (ms).

export interface Latency {
  label: string;
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function latency(label: string, values: number[]): Latency {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return { label, n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}
