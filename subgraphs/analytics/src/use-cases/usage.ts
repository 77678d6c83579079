import { emptyHistogram, percentile, type Histogram } from '../histogram';
import {
  ceilTo,
  fail,
  floorTo,
  HOUR_MS,
  MINUTE_MS,
  round,
  validateRange,
  type ApiUsageSnapshotView,
  type OperationStatsView,
  type Result,
  type TimeRange,
  type UsageGroupBy,
  type UsageRowView,
} from '../model';
import type { Dimension, UsageHistogramRow, UsageStore, UsageSumRow, UsageWindow } from '../ports';
import { createIntervalStream, type IntervalStream } from '../stream';

const DIMENSIONS: Record<UsageGroupBy, Dimension> = {
  OPERATION: 'operation',
  CLIENT: 'client',
  SUBGRAPH: 'subgraph',
};

/** Ranges up to this long get a per-minute `operationStats` series; longer ones per hour. */
export const MINUTE_SERIES_MAX_MS = 24 * HOUR_MS;
/** Minute buckets in an `apiUsageUpdated` snapshot (the current minute included). */
export const SNAPSHOT_MINUTES = 5;

/** Hour buckets for the whole hours inside the range, minute buckets for the edges. */
export function usageWindow(range: TimeRange, allowHours = true): UsageWindow {
  const hourFrom = ceilTo(range.from, HOUR_MS);
  const hourTo = floorTo(range.to, HOUR_MS);
  return {
    from: range.from,
    to: range.to,
    hours: allowHours && hourFrom < hourTo ? { from: hourFrom, to: hourTo } : null,
  };
}

function keyOf(groupBy: UsageGroupBy, name: string, detail: string): string {
  switch (groupBy) {
    case 'OPERATION':
      return `${detail} ${name || '(anonymous)'}`;
    case 'CLIENT':
      return `${name || '(unknown)'}${detail ? `/${detail}` : ''}`;
    case 'SUBGRAPH':
      return name;
  }
}

interface Accumulator {
  name: string;
  detail: string;
  at: Date | null;
  samples: number;
  requests: number;
  errors: number;
  durationSumMs: number;
  histogram: Histogram;
}

/** Merges summed rollups and histograms (per key, and per `bucketOf` when given). */
function accumulate(
  sums: UsageSumRow[],
  histograms: UsageHistogramRow[],
  bucketOf: (row: { bucketStart: Date | null }) => Date | null = () => null,
): Accumulator[] {
  const map = new Map<string, Accumulator>();
  const idOf = (row: { name: string; detail: string; bucketStart: Date | null }) => {
    const at = bucketOf(row);
    return { id: `${row.name}\u0000${row.detail}\u0000${at?.getTime() ?? ''}`, at };
  };
  for (const row of sums) {
    const { id, at } = idOf(row);
    let acc = map.get(id);
    if (!acc) {
      acc = {
        name: row.name,
        detail: row.detail,
        at,
        samples: 0,
        requests: 0,
        errors: 0,
        durationSumMs: 0,
        histogram: emptyHistogram(),
      };
      map.set(id, acc);
    }
    acc.samples += row.samples;
    acc.requests += row.requests;
    acc.errors += row.errors;
    acc.durationSumMs += row.durationSumMs;
    acc.histogram.maxMs = Math.max(acc.histogram.maxMs, row.durationMaxMs);
  }
  for (const row of histograms) {
    const acc = map.get(idOf(row).id);
    if (acc)
      acc.histogram.counts[row.leIndex] = (acc.histogram.counts[row.leIndex] ?? 0) + row.requests;
  }
  return [...map.values()];
}

function toRow(groupBy: UsageGroupBy, acc: Accumulator): UsageRowView {
  const empty = acc.requests <= 0;
  return {
    groupBy,
    key: keyOf(groupBy, acc.name, acc.detail),
    name: acc.name,
    detail: acc.detail,
    samples: acc.samples,
    requests: round(acc.requests),
    errors: round(acc.errors),
    errorRate: empty ? 0 : round(acc.errors / acc.requests),
    avgMs: empty ? null : round(acc.durationSumMs / acc.requests, 3),
    p50Ms: percentile(acc.histogram, 50),
    p95Ms: percentile(acc.histogram, 95),
    p99Ms: percentile(acc.histogram, 99),
    maxMs: empty ? null : acc.histogram.maxMs,
  };
}

const byRequests = (a: UsageRowView, b: UsageRowView) =>
  b.requests - a.requests || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export interface UsageDeps {
  reads: UsageStore;
  /** The current time (snapshots of `apiUsageUpdated`). */
  clock: () => Date;
}

/** The reads of API usage: per key over a range, one operation's series, live snapshots. */
export function createUsage(deps: UsageDeps) {
  const { reads, clock } = deps;

  async function usageRows(groupBy: UsageGroupBy, window: UsageWindow): Promise<UsageRowView[]> {
    const dimension = DIMENSIONS[groupBy];
    const [sums, histograms] = await Promise.all([
      reads.usageSums({ dimension, window }),
      reads.usageHistograms({ dimension, window }),
    ]);
    return accumulate(sums, histograms)
      .map((acc) => toRow(groupBy, acc))
      .sort(byRequests);
  }

  async function snapshot(groupBy: UsageGroupBy): Promise<ApiUsageSnapshotView> {
    const at = clock();
    const to = new Date(floorTo(at, MINUTE_MS).getTime() + MINUTE_MS);
    const from = new Date(to.getTime() - SNAPSHOT_MINUTES * MINUTE_MS);
    const rows = await usageRows(groupBy, usageWindow({ from, to }, false));
    return { at, from, to, groupBy, rows };
  }

  return {
    /** Usage per operation, client or subgraph over the range, busiest first. */
    async apiUsage(
      range: TimeRange,
      groupBy: UsageGroupBy,
    ): Promise<Result<{ rows: UsageRowView[] }>> {
      const invalid = validateRange(range);
      if (invalid) return invalid;
      return { ok: true, rows: await usageRows(groupBy, usageWindow(range)) };
    },

    /** Totals and a per-minute (≤ 24 h) or per-hour series of one operation name. */
    async operationStats(
      name: string,
      range: TimeRange,
    ): Promise<Result<{ stats: OperationStatsView | null }>> {
      const invalid = validateRange(range);
      if (invalid) return invalid;
      const perMinute = range.to.getTime() - range.from.getTime() <= MINUTE_SERIES_MAX_MS;
      const window = usageWindow(range, !perMinute);
      const query = { dimension: 'operation' as const, window, name, perBucket: true };
      const [sums, histograms] = await Promise.all([
        reads.usageSums(query),
        reads.usageHistograms(query),
      ]);
      if (sums.length === 0) return { ok: true, stats: null };
      const step = perMinute ? MINUTE_MS : HOUR_MS;
      // All operation types with this name together; detail lists them (`query|mutation`).
      const detail = [...new Set(sums.map((row) => row.detail))].sort().join('|');
      const merged = sums.map((row) => ({ ...row, detail }));
      const mergedHistograms = histograms.map((row) => ({ ...row, detail }));
      const total = accumulate(merged, mergedHistograms)[0]!;
      const series = accumulate(merged, mergedHistograms, (row) => floorTo(row.bucketStart!, step))
        .map((acc) => ({ ...toRow('OPERATION', acc), at: acc.at! }))
        .sort((a, b) => a.at.getTime() - b.at.getTime());
      return {
        ok: true,
        stats: {
          name,
          range,
          interval: perMinute ? 'MINUTE' : 'HOUR',
          totals: toRow('OPERATION', total),
          series,
        },
      };
    },

    /** The rollup of the last {@link SNAPSHOT_MINUTES} minute buckets, now. */
    snapshot,

    /** Snapshots every `intervalSeconds` (1..60), the first one at once. */
    usageStream(
      intervalSeconds: number,
      groupBy: UsageGroupBy,
    ): Result<{ stream: IntervalStream<ApiUsageSnapshotView> }> {
      if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 60) {
        return fail('intervalSeconds must be between 1 and 60', ['intervalSeconds']);
      }
      return {
        ok: true,
        stream: createIntervalStream(intervalSeconds * 1000, () => snapshot(groupBy)),
      };
    },
  };
}
