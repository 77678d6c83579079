import { and, asc, eq, gte, lt, not, or, sql, type SQL } from 'drizzle-orm';
import type {
  Dimension,
  ProjectionStore,
  UsageHistogramRow,
  UsageQuery,
  UsageStore,
  UsageSumRow,
  UsageWindow,
  UsageWrite,
} from './ports';
import type { Executor } from './repo';
import { toNumber } from './sql-numbers';
import { usageLatency, usageRollups } from './tables';

/** The queries of the usage rollups and latency histograms, bound to one handle. */
export function createUsageQueries(db: Executor): UsageStore & Pick<ProjectionStore, 'addUsage'> {
  function windowWhere(
    table: typeof usageRollups | typeof usageLatency,
    dimension: Dimension,
    window: UsageWindow,
    name?: string,
  ): SQL {
    const minutes = and(
      eq(table.granularity, 'minute'),
      gte(table.bucketStart, window.from),
      lt(table.bucketStart, window.to),
      window.hours
        ? not(
            and(gte(table.bucketStart, window.hours.from), lt(table.bucketStart, window.hours.to))!,
          )
        : undefined,
    )!;
    const span = window.hours
      ? or(
          and(
            eq(table.granularity, 'hour'),
            gte(table.bucketStart, window.hours.from),
            lt(table.bucketStart, window.hours.to),
          ),
          minutes,
        )!
      : minutes;
    return and(
      eq(table.dimension, dimension),
      span,
      name === undefined ? undefined : eq(table.name, name),
    )!;
  }

  return {
    /** Adds one usage event's contributions to the rollups and histograms. */
    async addUsage(writes: UsageWrite[]): Promise<void> {
      if (writes.length === 0) return;
      const w = (write: UsageWrite, count: number) =>
        sql`(${String(count)}::numeric * ${write.weight}::numeric)`;
      await db
        .insert(usageRollups)
        .values(
          writes.map((write) => ({
            granularity: write.granularity,
            dimension: write.dimension,
            bucketStart: write.bucketStart,
            name: write.name,
            detail: write.detail,
            samples: write.samples,
            requests: w(write, write.samples),
            errors: w(write, write.errorSamples),
            durationSumMs: w(write, write.durationSumMs),
            durationMaxMs: write.durationMaxMs,
          })),
        )
        .onConflictDoUpdate({
          target: [
            usageRollups.granularity,
            usageRollups.dimension,
            usageRollups.bucketStart,
            usageRollups.name,
            usageRollups.detail,
          ],
          set: {
            samples: sql`${usageRollups.samples} + excluded.samples`,
            requests: sql`${usageRollups.requests} + excluded.requests`,
            errors: sql`${usageRollups.errors} + excluded.errors`,
            durationSumMs: sql`${usageRollups.durationSumMs} + excluded.duration_sum_ms`,
            durationMaxMs: sql`greatest(${usageRollups.durationMaxMs}, excluded.duration_max_ms)`,
          },
        });
      const buckets = writes.flatMap((write) =>
        write.buckets.map(([leIndex, count]) => ({
          granularity: write.granularity,
          dimension: write.dimension,
          bucketStart: write.bucketStart,
          name: write.name,
          detail: write.detail,
          leIndex,
          requests: w(write, count),
        })),
      );
      if (buckets.length === 0) return;
      await db
        .insert(usageLatency)
        .values(buckets)
        .onConflictDoUpdate({
          target: [
            usageLatency.granularity,
            usageLatency.dimension,
            usageLatency.bucketStart,
            usageLatency.name,
            usageLatency.detail,
            usageLatency.leIndex,
          ],
          set: { requests: sql`${usageLatency.requests} + excluded.requests` },
        });
    },

    /** Rollups summed per key (and per stored bucket when `perBucket`). */
    async usageSums(query: UsageQuery): Promise<UsageSumRow[]> {
      const t = usageRollups;
      const rows = await db
        .select({
          name: t.name,
          detail: t.detail,
          bucketStart: query.perBucket ? t.bucketStart : sql<null>`null`,
          samples: sql<string>`sum(${t.samples})::text`,
          requests: sql<string>`sum(${t.requests})::text`,
          errors: sql<string>`sum(${t.errors})::text`,
          durationSumMs: sql<string>`sum(${t.durationSumMs})::text`,
          durationMaxMs: sql<string>`max(${t.durationMaxMs})::text`,
        })
        .from(t)
        .where(windowWhere(t, query.dimension, query.window, query.name))
        .groupBy(...(query.perBucket ? [t.name, t.detail, t.bucketStart] : [t.name, t.detail]));
      return rows.map((row) => ({
        name: row.name,
        detail: row.detail,
        bucketStart: row.bucketStart ? new Date(row.bucketStart) : null,
        samples: toNumber(row.samples),
        requests: toNumber(row.requests),
        errors: toNumber(row.errors),
        durationSumMs: toNumber(row.durationSumMs),
        durationMaxMs: toNumber(row.durationMaxMs),
      }));
    },

    /** Histogram buckets summed per key (and per stored bucket when `perBucket`). */
    async usageHistograms(query: UsageQuery): Promise<UsageHistogramRow[]> {
      const t = usageLatency;
      const keys = query.perBucket ? [t.name, t.detail, t.bucketStart] : [t.name, t.detail];
      const rows = await db
        .select({
          name: t.name,
          detail: t.detail,
          bucketStart: query.perBucket ? t.bucketStart : sql<null>`null`,
          leIndex: t.leIndex,
          requests: sql<string>`sum(${t.requests})::text`,
        })
        .from(t)
        .where(windowWhere(t, query.dimension, query.window, query.name))
        .groupBy(...keys, t.leIndex)
        .orderBy(asc(t.leIndex));
      return rows.map((row) => ({
        name: row.name,
        detail: row.detail,
        bucketStart: row.bucketStart ? new Date(row.bucketStart) : null,
        leIndex: row.leIndex,
        requests: toNumber(row.requests),
      }));
    },
  };
}
