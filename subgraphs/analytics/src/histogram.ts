/**
 * Fixed-bound latency histograms. Bucket `i` holds durations `d` with
 * `BOUNDS[i-1] < d <= BOUNDS[i]` (bucket 0: `d <= 1`); the last bucket (index `BOUNDS.length`)
 * holds everything above the last bound (+Inf). Bounds never change: rollups written with
 * other bounds could not be merged.
 */
export const LATENCY_BOUNDS_MS = [
  1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
] as const;

/** Number of buckets, the +Inf bucket included. */
export const BUCKET_COUNT = LATENCY_BOUNDS_MS.length + 1;

/** The index of the bucket holding `durationMs` (negative and NaN durations count as 0). */
export function bucketIndex(durationMs: number): number {
  const d = Number.isFinite(durationMs) ? Math.max(0, durationMs) : durationMs > 0 ? Infinity : 0;
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i += 1) {
    if (d <= LATENCY_BOUNDS_MS[i]!) return i;
  }
  return LATENCY_BOUNDS_MS.length;
}

/** Lower (exclusive) and upper (inclusive) bound of bucket `index`. */
export function bucketRange(index: number): { lower: number; upper: number } {
  return {
    lower: index === 0 ? -Infinity : LATENCY_BOUNDS_MS[index - 1]!,
    upper: index < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[index]! : Infinity,
  };
}

/** A histogram: weighted counts per bucket plus the largest duration seen. */
export interface Histogram {
  /** `counts[i]` is the (weighted) number of requests in bucket `i`; length {@link BUCKET_COUNT}. */
  counts: number[];
  /** Largest duration recorded, in ms; 0 when empty. */
  maxMs: number;
}

export const emptyHistogram = (): Histogram => ({
  counts: new Array(BUCKET_COUNT).fill(0),
  maxMs: 0,
});

/** Records `durationMs` with weight `weight` (default 1) into `histogram` (mutates it). */
export function record(histogram: Histogram, durationMs: number, weight = 1): Histogram {
  const index = bucketIndex(durationMs);
  histogram.counts[index] = (histogram.counts[index] ?? 0) + weight;
  if (durationMs > histogram.maxMs) histogram.maxMs = durationMs;
  return histogram;
}

/** Total weight of a histogram. */
export const totalOf = (histogram: Histogram) => histogram.counts.reduce((sum, c) => sum + c, 0);

/**
 * The `percent`-th percentile (nearest rank) read from the histogram: the bucket where the
 * cumulative weight first reaches `percent/100 × total` is the bucket holding the true
 * percentile; the value reported is that bucket's upper bound, clamped to the largest duration
 * seen (so the +Inf bucket reports the maximum, and a bucket never reports more than what was
 * observed). The reported value therefore always lies in the same bucket as the true
 * percentile. Null when the histogram is empty.
 */
export function percentile(histogram: Histogram, percent: number): number | null {
  const total = totalOf(histogram);
  if (!(total > 0)) return null;
  // percent × total / 100 with integer percents keeps integer ranks exact (95 × 20 / 100 = 19).
  const rank = (percent * total) / 100;
  let cumulative = 0;
  for (let i = 0; i < histogram.counts.length; i += 1) {
    cumulative += histogram.counts[i]!;
    if (histogram.counts[i]! > 0 && cumulative >= rank - 1e-9 * total) {
      return Math.min(bucketRange(i).upper, histogram.maxMs);
    }
  }
  return histogram.maxMs;
}

/**
 * The true nearest-rank percentile of raw durations: the smallest value `v` such that at least
 * `percent`% of the weight is `<= v`. Used by tests to check {@link percentile}.
 */
export function exactPercentile(
  samples: ReadonlyArray<{ durationMs: number; weight?: number }>,
  percent: number,
): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a.durationMs - b.durationMs);
  const total = sorted.reduce((sum, s) => sum + (s.weight ?? 1), 0);
  const rank = (percent * total) / 100;
  let cumulative = 0;
  for (const sample of sorted) {
    cumulative += sample.weight ?? 1;
    if (cumulative >= rank - 1e-9 * total) return sample.durationMs;
  }
  return sorted[sorted.length - 1]!.durationMs;
}
