/**
 * Percentiles for the benches, by the nearest-rank rule: the p-th percentile
 * of n values is the ⌈p·n⌉-th smallest. So p95 of 20 runs is the 19th, not the
 * slowest, and p50 of an even count is the lower middle.
 */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
}

export const median = (xs: readonly number[]): number => percentile(xs, 0.5);
