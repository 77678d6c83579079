import type { OrderLineRow, orders, paymentMovements } from './tables';

/*
 * The interfaces the analytics use cases (`use-cases/`) depend on; `createAnalyticsQueries`
 * (repo.ts) implements all three stores over drizzle.
 */

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

/** Which rollups a usage read sums: one dimension over a window, optionally one name. */
export interface UsageQuery {
  dimension: Dimension;
  window: UsageWindow;
  name?: string;
  /** One row per stored bucket instead of one per key. */
  perBucket?: boolean;
}

/** Money sums per currency. */
export interface CurrencySum {
  currency: string;
  amountMinor: number;
}

/** Orders of one currency: all, placed, cancelled, and the placed revenue. */
export interface OrderTotalRow {
  currency: string;
  orders: number;
  placed: number;
  cancelled: number;
  revenueMinor: number;
}

/** Orders of one hour (UTC) and currency. */
export interface HourlyOrdersRow {
  hour: Date;
  currency: string;
  orders: number;
  placed: number;
  revenueMinor: number;
}

/** Units and revenue of one product in one currency. */
export interface TopProductRow {
  productId: string;
  productName: string;
  currency: string;
  units: number;
  revenueMinor: number;
  orders: number;
}

/** The reads of the usage rollups. */
export interface UsageStore {
  /** Rollups summed per key (and per stored bucket when `perBucket`). */
  usageSums(query: UsageQuery): Promise<UsageSumRow[]>;
  /** Histogram buckets summed per key (and per stored bucket when `perBucket`). */
  usageHistograms(query: UsageQuery): Promise<UsageHistogramRow[]>;
}

/** The reads of the sales facts; every range is `[from, to)`. */
export interface SalesStore {
  orderTotals(from: Date, to: Date): Promise<OrderTotalRow[]>;
  ordersPerHour(from: Date, to: Date): Promise<HourlyOrdersRow[]>;
  paymentTotals(kind: string, from: Date, to: Date): Promise<CurrencySum[]>;
  cartFunnel(from: Date, to: Date): Promise<{ created: number; converted: number }>;
  topProducts(query: {
    from: Date;
    to: Date;
    limit: number;
    orderBy: 'units' | 'revenue';
  }): Promise<TopProductRow[]>;
}

/** The writes of the consumed events, inside the consumer's transaction. */
export interface ProjectionStore {
  addUsage(writes: UsageWrite[]): Promise<void>;
  /** False when the order was already known (first delivery wins). */
  recordOrder(
    order: typeof orders.$inferInsert,
    lines: Array<Omit<OrderLineRow, 'orderId'>>,
  ): Promise<boolean>;
  markOrder(orderId: string, milestone: 'placed' | 'cancelled', at: Date): Promise<void>;
  recordPayment(row: typeof paymentMovements.$inferInsert): Promise<void>;
  markCart(
    cartId: string,
    change: { createdAt: Date } | { convertedAt: Date; orderId: string | null },
  ): Promise<void>;
}

export interface Logger {
  warn(message: string): void;
}
