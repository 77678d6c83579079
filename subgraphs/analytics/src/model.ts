/** Views and results of the analytics API, and the checks and time arithmetic they share. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const floorTo = (date: Date, step: number) =>
  new Date(Math.floor(date.getTime() / step) * step);
export const ceilTo = (date: Date, step: number) =>
  new Date(Math.ceil(date.getTime() / step) * step);

export type UsageGroupBy = 'OPERATION' | 'CLIENT' | 'SUBGRAPH';

/** One row of `apiUsage` (and of a snapshot). */
export interface UsageRowView {
  groupBy: UsageGroupBy;
  key: string;
  name: string;
  detail: string;
  samples: number;
  requests: number;
  errors: number;
  errorRate: number;
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface TimeRange {
  from: Date;
  to: Date;
}

export type UsageInterval = 'MINUTE' | 'HOUR';

export interface OperationStatsView {
  name: string;
  range: TimeRange;
  interval: UsageInterval;
  totals: UsageRowView;
  series: Array<UsageRowView & { at: Date }>;
}

export interface MoneyView {
  amount: number;
  currencyCode: string;
}

export interface SalesSummaryView {
  range: TimeRange;
  orders: number;
  placedOrders: number;
  cancelledOrders: number;
  revenue: MoneyView[];
  captured: MoneyView[];
  refunded: MoneyView[];
  cartsCreated: number;
  cartsConverted: number;
  conversionRate: number | null;
  hourly: Array<{ hour: Date; orders: number; placedOrders: number; revenue: MoneyView[] }>;
}

export interface TopProductView {
  productId: string;
  productName: string;
  units: number;
  orders: number;
  revenue: MoneyView;
}

export interface ApiUsageSnapshotView {
  at: Date;
  from: Date;
  to: Date;
  groupBy: UsageGroupBy;
  rows: UsageRowView[];
}

export type Failure = {
  ok: false;
  code: 'BAD_USER_INPUT';
  message: string;
  field?: string[];
};
export type Result<T> = ({ ok: true } & T) | Failure;

export const fail = (message: string, field: string[]): Failure => ({
  ok: false,
  code: 'BAD_USER_INPUT',
  message,
  field,
});

/** Longest range a query may cover. */
export const MAX_RANGE_DAYS = 31;

export function validateRange(range: TimeRange): Failure | null {
  if (!(range.from.getTime() < range.to.getTime())) {
    return fail('range.from must be before range.to', ['range']);
  }
  if (range.to.getTime() - range.from.getTime() > MAX_RANGE_DAYS * 24 * HOUR_MS) {
    return fail(`range must not exceed ${MAX_RANGE_DAYS} days`, ['range']);
  }
  return null;
}

export const round = (value: number, digits = 6) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
