import { and, asc, eq, gte, lt, not, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@shop/db';
import type { DbTransaction } from '@shop/events';
import {
  carts,
  orderLines,
  orderMilestones,
  orders,
  paymentMovements,
  usageLatency,
  usageRollups,
  type OrderLineRow,
} from './tables';

/** A drizzle handle: the database or a transaction. */
export type Executor = Db | DbTransaction;

export type Granularity = 'minute' | 'hour';
export type Dimension = 'operation' | 'client' | 'subgraph';

/** What one usage event adds to one rollup row (before weighting). */
export interface UsageWrite {
  granularity: Granularity;
  dimension: Dimension;
  bucketStart: Date;
  name: string;
  detail: string;
  /** Events (unweighted). */
  samples: number;
  /** Events that failed (unweighted). */
  errorSamples: number;
  /** Σ duration of the events, ms (unweighted). */
  durationSumMs: number;
  durationMaxMs: number;
  /** Unweighted counts per histogram bucket index. */
  buckets: Array<[index: number, count: number]>;
  /** 1/sampleRate as a decimal string (exact numeric in the database). */
  weight: string;
}

/**
 * Which stored buckets a range reads: hour rows starting in `[hours.from, hours.to)` plus minute
 * rows starting in `[from, to)` outside that span. `hours` null: minute rows only.
 */
export interface UsageWindow {
  from: Date;
  to: Date;
  hours: { from: Date; to: Date } | null;
}

/** Summed rollup of one key (and one stored bucket when asked per bucket). */
export interface UsageSumRow {
  name: string;
  detail: string;
  bucketStart: Date | null;
  samples: number;
  requests: number;
  errors: number;
  durationSumMs: number;
  durationMaxMs: number;
}

export interface UsageHistogramRow {
  name: string;
  detail: string;
  bucketStart: Date | null;
  leIndex: number;
  requests: number;
}

/** Money sums per currency. */
export interface CurrencySum {
  currency: string;
  amountMinor: number;
}

const toNumber = (value: unknown): number => (value === null ? 0 : Number(value));

function toSafeInteger(value: unknown): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`money sum out of range: ${String(value)}`);
  return n;
}

/** Every query of the analytics subgraph, bound to one handle. */
export function createAnalyticsQueries(db: Executor) {
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
    async usageSums(query: {
      dimension: Dimension;
      window: UsageWindow;
      name?: string;
      perBucket?: boolean;
    }): Promise<UsageSumRow[]> {
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
    async usageHistograms(query: {
      dimension: Dimension;
      window: UsageWindow;
      name?: string;
      perBucket?: boolean;
    }): Promise<UsageHistogramRow[]> {
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

    /** Records an order.created (first delivery wins); false when it was already known. */
    async recordOrder(
      order: typeof orders.$inferInsert,
      lines: Array<Omit<OrderLineRow, 'orderId'>>,
    ): Promise<boolean> {
      const inserted = await db
        .insert(orders)
        .values(order)
        .onConflictDoNothing()
        .returning({ id: orders.orderId });
      if (inserted.length === 0) return false;
      if (lines.length > 0) {
        await db
          .insert(orderLines)
          .values(lines.map((line) => ({ ...line, orderId: order.orderId })))
          .onConflictDoNothing();
      }
      return true;
    },

    /** Sets the order's placed (or cancelled) time, keeping the earliest one. */
    async markOrder(orderId: string, milestone: 'placed' | 'cancelled', at: Date): Promise<void> {
      const column =
        milestone === 'placed' ? orderMilestones.placedAt : orderMilestones.cancelledAt;
      const key = milestone === 'placed' ? 'placedAt' : 'cancelledAt';
      await db
        .insert(orderMilestones)
        .values({ orderId, [key]: at })
        .onConflictDoUpdate({
          target: orderMilestones.orderId,
          set: { [key]: sql`least(${column}, excluded.${sql.identifier(column.name)})` },
        });
    },

    async recordPayment(row: typeof paymentMovements.$inferInsert): Promise<void> {
      await db.insert(paymentMovements).values(row).onConflictDoNothing();
    },

    /** Records the cart's creation or conversion time (earliest wins). */
    async markCart(
      cartId: string,
      change: { createdAt: Date } | { convertedAt: Date; orderId: string | null },
    ): Promise<void> {
      if ('createdAt' in change) {
        await db
          .insert(carts)
          .values({ cartId, createdAt: change.createdAt })
          .onConflictDoUpdate({
            target: carts.cartId,
            set: { createdAt: sql`least(${carts.createdAt}, excluded.created_at)` },
          });
        return;
      }
      await db
        .insert(carts)
        .values({ cartId, convertedAt: change.convertedAt, orderId: change.orderId })
        .onConflictDoUpdate({
          target: carts.cartId,
          set: {
            convertedAt: sql`least(${carts.convertedAt}, excluded.converted_at)`,
            orderId: sql`coalesce(${carts.orderId}, excluded.order_id)`,
          },
        });
    },

    /** Orders created in `[from, to)`: all, placed, cancelled; placed revenue per currency. */
    async orderTotals(from: Date, to: Date) {
      const rows = await db
        .select({
          currency: orders.currency,
          orders: sql<string>`count(*)::text`,
          placed: sql<string>`count(${orderMilestones.placedAt})::text`,
          cancelled: sql<string>`count(${orderMilestones.cancelledAt})::text`,
          revenue: sql<string>`coalesce(sum(${orders.totalMinor}) filter (where ${orderMilestones.placedAt} is not null), 0)::text`,
        })
        .from(orders)
        .leftJoin(orderMilestones, eq(orderMilestones.orderId, orders.orderId))
        .where(and(gte(orders.createdAt, from), lt(orders.createdAt, to)))
        .groupBy(orders.currency)
        .orderBy(asc(orders.currency));
      return rows.map((row) => ({
        currency: row.currency,
        orders: toNumber(row.orders),
        placed: toNumber(row.placed),
        cancelled: toNumber(row.cancelled),
        revenueMinor: toSafeInteger(row.revenue),
      }));
    },

    /** Orders created per hour (UTC) and currency in `[from, to)`. */
    async ordersPerHour(from: Date, to: Date) {
      const hour = sql<string>`to_char(date_trunc('hour', ${orders.createdAt} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"')`;
      const rows = await db
        .select({
          hour,
          currency: orders.currency,
          orders: sql<string>`count(*)::text`,
          placed: sql<string>`count(${orderMilestones.placedAt})::text`,
          revenue: sql<string>`coalesce(sum(${orders.totalMinor}) filter (where ${orderMilestones.placedAt} is not null), 0)::text`,
        })
        .from(orders)
        .leftJoin(orderMilestones, eq(orderMilestones.orderId, orders.orderId))
        .where(and(gte(orders.createdAt, from), lt(orders.createdAt, to)))
        .groupBy(hour, orders.currency)
        .orderBy(asc(hour), asc(orders.currency));
      return rows.map((row) => ({
        hour: new Date(row.hour),
        currency: row.currency,
        orders: toNumber(row.orders),
        placed: toNumber(row.placed),
        revenueMinor: toSafeInteger(row.revenue),
      }));
    },

    /** Payment movements of one kind in `[from, to)`, summed per currency. */
    async paymentTotals(kind: string, from: Date, to: Date): Promise<CurrencySum[]> {
      const rows = await db
        .select({
          currency: paymentMovements.currency,
          amount: sql<string>`sum(${paymentMovements.amountMinor})::text`,
        })
        .from(paymentMovements)
        .where(
          and(
            eq(paymentMovements.kind, kind),
            gte(paymentMovements.occurredAt, from),
            lt(paymentMovements.occurredAt, to),
          ),
        )
        .groupBy(paymentMovements.currency)
        .orderBy(asc(paymentMovements.currency));
      return rows.map((row) => ({
        currency: row.currency,
        amountMinor: toSafeInteger(row.amount),
      }));
    },

    /** Carts created in `[from, to)` and how many of those have been converted. */
    async cartFunnel(from: Date, to: Date): Promise<{ created: number; converted: number }> {
      const [row] = await db
        .select({
          created: sql<string>`count(*)::text`,
          converted: sql<string>`count(${carts.convertedAt})::text`,
        })
        .from(carts)
        .where(and(gte(carts.createdAt, from), lt(carts.createdAt, to)));
      return { created: toNumber(row?.created ?? 0), converted: toNumber(row?.converted ?? 0) };
    },

    /**
     * Units and revenue per product and currency over the lines of placed orders created in
     * `[from, to)`, best first by `orderBy`.
     */
    async topProducts(query: {
      from: Date;
      to: Date;
      limit: number;
      orderBy: 'units' | 'revenue';
    }) {
      const units = sql<string>`sum(${orderLines.quantity})`;
      const revenue = sql<string>`sum(${orderLines.quantity}::numeric * ${orderLines.unitMinor})`;
      const rows = await db
        .select({
          productId: orderLines.productId,
          currency: orderLines.currency,
          productName: sql<string>`(array_agg(${orderLines.productName} order by ${orders.createdAt} desc))[1]`,
          units: sql<string>`${units}::text`,
          revenue: sql<string>`${revenue}::text`,
          orders: sql<string>`count(distinct ${orders.orderId})::text`,
        })
        .from(orderLines)
        .innerJoin(orders, eq(orders.orderId, orderLines.orderId))
        .innerJoin(orderMilestones, eq(orderMilestones.orderId, orders.orderId))
        .where(
          and(
            gte(orders.createdAt, query.from),
            lt(orders.createdAt, query.to),
            sql`${orderMilestones.placedAt} is not null`,
          ),
        )
        .groupBy(orderLines.productId, orderLines.currency)
        .orderBy(
          ...(query.orderBy === 'units'
            ? [sql`${units} desc`, sql`${revenue} desc`]
            : [sql`${revenue} desc`, sql`${units} desc`]),
          asc(orderLines.productId),
        )
        .limit(query.limit);
      return rows.map((row) => ({
        productId: row.productId,
        productName: row.productName,
        currency: row.currency,
        units: toNumber(row.units),
        revenueMinor: toSafeInteger(row.revenue),
        orders: toNumber(row.orders),
      }));
    },
  };
}

export type AnalyticsQueries = ReturnType<typeof createAnalyticsQueries>;
