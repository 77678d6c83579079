import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketIndex,
  bucketRange,
  BUCKET_COUNT,
  emptyHistogram,
  exactPercentile,
  LATENCY_BOUNDS_MS,
  percentile,
  record,
  totalOf,
} from '../src/histogram';
import { weightOf } from '../src/service';

const duration = fc.oneof(
  fc.integer({ min: 0, max: 12_000 }),
  fc.double({ min: 0, max: 20_000, noNaN: true }),
  fc.constantFrom(...LATENCY_BOUNDS_MS, 0, 10_000.5),
);
const samples = fc.array(
  fc.record({ durationMs: duration, weight: fc.integer({ min: 1, max: 4 }) }),
  { minLength: 1, maxLength: 200 },
);

describe('latency histogram', () => {
  it('puts bounds in the bucket they close and everything above 10 s in +Inf', () => {
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(1)).toBe(0);
    expect(bucketIndex(1.0001)).toBe(1);
    expect(bucketIndex(100)).toBe(6);
    expect(bucketIndex(100.5)).toBe(7);
    expect(bucketIndex(10_000)).toBe(12);
    expect(bucketIndex(10_001)).toBe(13);
    expect(BUCKET_COUNT).toBe(14);
    expect(bucketRange(13)).toEqual({ lower: 10_000, upper: Infinity });
    expect(percentile(emptyHistogram(), 50)).toBeNull();
  });

  it('reports each percentile inside the bucket holding the true percentile (property)', () => {
    fc.assert(
      fc.property(samples, fc.integer({ min: 1, max: 100 }), (list, extra) => {
        const histogram = emptyHistogram();
        for (const sample of list) record(histogram, sample.durationMs, sample.weight);
        // Counts sum to the total weight recorded.
        expect(totalOf(histogram)).toBe(list.reduce((sum, s) => sum + s.weight, 0));
        expect(histogram.maxMs).toBe(Math.max(...list.map((s) => s.durationMs)));
        for (const p of [50, 95, 99, extra]) {
          const reported = percentile(histogram, p)!;
          const exact = exactPercentile(list, p)!;
          expect(bucketIndex(reported)).toBe(bucketIndex(exact));
          expect(reported).toBeGreaterThanOrEqual(exact);
          expect(reported).toBeLessThanOrEqual(histogram.maxMs);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('merges: the histogram of two lists is the sum of their histograms (property)', () => {
    fc.assert(
      fc.property(samples, samples, (a, b) => {
        const ha = emptyHistogram();
        const hb = emptyHistogram();
        const hab = emptyHistogram();
        for (const s of a) record(ha, s.durationMs, s.weight);
        for (const s of b) record(hb, s.durationMs, s.weight);
        for (const s of [...a, ...b]) record(hab, s.durationMs, s.weight);
        expect(hab.counts).toEqual(ha.counts.map((count, i) => count + hb.counts[i]!));
        expect(hab.maxMs).toBe(Math.max(ha.maxMs, hb.maxMs));
      }),
      { numRuns: 200 },
    );
  });

  it('weights sampled events by 1/sampleRate as an exact decimal', () => {
    expect(weightOf(1)).toBe('1');
    expect(weightOf(0.5)).toBe('2');
    expect(weightOf(0.25)).toBe('4');
    expect(weightOf(0.1)).toBe('10');
    expect(weightOf(0.3)).toBe('3.333333333');
  });
});
