import { TOPICS, type DbTransaction, type DomainEvent, type EventEnvelope } from '@shop/events';
import { bucketIndex, emptyHistogram, percentile, type Histogram } from './histogram';
import type {
  AnalyticsQueries,
  Dimension,
  UsageHistogramRow,
  UsageSumRow,
  UsageWindow,
  UsageWrite,
} from './repo';
import { createIntervalStream, type IntervalStream } from './stream';
import { log } from '@shop/log';

// ---------------------------------------------------------------------------------------------
// The usage event (analytics.api-usage.v1, type graphql.operation.completed, source gateway)

export const USAGE_EVENT_TYPE = 'graphql.operation.completed';

export type OperationType = 'query' | 'mutation' | 'subscription';

/** `data` of a `graphql.operation.completed` event as the gateway publishes it. */
export interface UsageEventData {
  operationName: string | null;
  operationType: OperationType;
  clientName: string | null;
  clientVersion: string | null;
  durationMs: number;
  /** ISO timestamp of when the operation started; its minute/hour (UTC) is the bucket. */
  startedAt: string;
  subgraphFetches: Array<{ subgraph: string; durationMs: number; ok: boolean }>;
  errorCodes: string[];
  cost: number;
  cacheHit: boolean;
  /** 0 < r <= 1: each event stands for 1/r operations. */
  sampleRate: number;
}

const OPERATION_TYPES = new Set<string>(['query', 'mutation', 'subscription']);

const isDuration = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null;

/** Validates a usage event's data; a reason string when it cannot be counted. */
export function parseUsageEvent(
  data: unknown,
): { ok: true; event: UsageEventData & { started: Date } } | { ok: false; reason: string } {
  if (!data || typeof data !== 'object') return { ok: false, reason: 'data is not an object' };
  const d = data as Record<string, unknown>;
  if (typeof d.operationType !== 'string' || !OPERATION_TYPES.has(d.operationType)) {
    return { ok: false, reason: `invalid operationType ${String(d.operationType)}` };
  }
  if (!isDuration(d.durationMs)) return { ok: false, reason: 'invalid durationMs' };
  const sampleRate = d.sampleRate === undefined ? 1 : d.sampleRate;
  if (typeof sampleRate !== 'number' || !(sampleRate > 0 && sampleRate <= 1)) {
    return { ok: false, reason: `invalid sampleRate ${String(d.sampleRate)}` };
  }
  const started = typeof d.startedAt === 'string' ? new Date(d.startedAt) : new Date(NaN);
  if (Number.isNaN(started.getTime())) return { ok: false, reason: 'invalid startedAt' };
  const fetches = Array.isArray(d.subgraphFetches) ? d.subgraphFetches : [];
  const subgraphFetches: UsageEventData['subgraphFetches'] = [];
  for (const fetch of fetches) {
    const f = (fetch ?? {}) as Record<string, unknown>;
    const subgraph = text(f.subgraph);
    if (!subgraph || !isDuration(f.durationMs)) continue;
    subgraphFetches.push({ subgraph, durationMs: f.durationMs, ok: f.ok !== false });
  }
  const errorCodes = Array.isArray(d.errorCodes)
    ? d.errorCodes.filter((code): code is string => typeof code === 'string')
    : [];
  return {
    ok: true,
    event: {
      operationName: text(d.operationName),
      operationType: d.operationType as OperationType,
      clientName: text(d.clientName),
      clientVersion: text(d.clientVersion),
      durationMs: d.durationMs,
      startedAt: d.startedAt as string,
      started,
      subgraphFetches,
      errorCodes,
      cost: typeof d.cost === 'number' ? d.cost : 0,
      cacheHit: d.cacheHit === true,
      sampleRate,
    },
  };
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const floorTo = (date: Date, step: number) => new Date(Math.floor(date.getTime() / step) * step);
const ceilTo = (date: Date, step: number) => new Date(Math.ceil(date.getTime() / step) * step);

/** 1/sampleRate as an exact decimal string (rounded to 9 decimals; "1" when sampleRate = 1). */
export function weightOf(sampleRate: number): string {
  if (sampleRate === 1) return '1';
  return (1 / sampleRate).toFixed(9).replace(/\.?0+$/, '');
}

/** The rollup contributions of one usage event: 3+ keys × minute and hour buckets. */
export function usageWrites(event: UsageEventData & { started: Date }): UsageWrite[] {
  const weight = weightOf(event.sampleRate);
  const failed = event.errorCodes.length > 0;
  type Part = Omit<UsageWrite, 'granularity' | 'bucketStart' | 'weight' | 'buckets'> & {
    buckets: Map<number, number>;
  };
  const parts = new Map<string, Part>();
  const add = (
    dimension: Dimension,
    key: { name: string; detail: string },
    durationMs: number,
    error: boolean,
  ) => {
    const id = `${dimension}\u0000${key.name}\u0000${key.detail}`;
    let part = parts.get(id);
    if (!part) {
      part = {
        dimension,
        ...key,
        samples: 0,
        errorSamples: 0,
        durationSumMs: 0,
        durationMaxMs: 0,
        buckets: new Map(),
      };
      parts.set(id, part);
    }
    part.samples += 1;
    part.errorSamples += error ? 1 : 0;
    part.durationSumMs += durationMs;
    part.durationMaxMs = Math.max(part.durationMaxMs, durationMs);
    const index = bucketIndex(durationMs);
    part.buckets.set(index, (part.buckets.get(index) ?? 0) + 1);
  };
  add(
    'operation',
    { name: event.operationName ?? '', detail: event.operationType },
    event.durationMs,
    failed,
  );
  add(
    'client',
    { name: event.clientName ?? '', detail: event.clientVersion ?? '' },
    event.durationMs,
    failed,
  );
  for (const fetch of event.subgraphFetches) {
    add('subgraph', { name: fetch.subgraph, detail: '' }, fetch.durationMs, !fetch.ok);
  }
  const writes: UsageWrite[] = [];
  for (const [granularity, step] of [
    ['minute', MINUTE_MS],
    ['hour', HOUR_MS],
  ] as const) {
    const bucketStart = floorTo(event.started, step);
    for (const part of parts.values()) {
      writes.push({
        ...part,
        granularity,
        bucketStart,
        weight,
        buckets: [...part.buckets.entries()],
      });
    }
  }
  return writes;
}

// ---------------------------------------------------------------------------------------------
// Read side

export type UsageGroupBy = 'OPERATION' | 'CLIENT' | 'SUBGRAPH';

const DIMENSIONS: Record<UsageGroupBy, Dimension> = {
  OPERATION: 'operation',
  CLIENT: 'client',
  SUBGRAPH: 'subgraph',
};

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

const fail = (message: string, field: string[]): Failure => ({
  ok: false,
  code: 'BAD_USER_INPUT',
  message,
  field,
});

/** Longest range a query may cover. */
export const MAX_RANGE_DAYS = 31;
/** Ranges up to this long get a per-minute `operationStats` series; longer ones per hour. */
export const MINUTE_SERIES_MAX_MS = 24 * HOUR_MS;
/** Minute buckets in an `apiUsageUpdated` snapshot (the current minute included). */
export const SNAPSHOT_MINUTES = 5;

export function validateRange(range: TimeRange): Failure | null {
  if (!(range.from.getTime() < range.to.getTime())) {
    return fail('range.from must be before range.to', ['range']);
  }
  if (range.to.getTime() - range.from.getTime() > MAX_RANGE_DAYS * 24 * HOUR_MS) {
    return fail(`range must not exceed ${MAX_RANGE_DAYS} days`, ['range']);
  }
  return null;
}

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

const round = (value: number, digits = 6) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

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

const money = (sums: Array<{ currency: string; amountMinor: number }>): MoneyView[] =>
  sums
    .filter((sum) => sum.amountMinor !== 0)
    .map((sum) => ({ amount: sum.amountMinor, currencyCode: sum.currency }));

// ---------------------------------------------------------------------------------------------
// Consumed domain events

const PLACED_STATUSES = new Set([
  'PAYMENT_AUTHORIZED',
  'PAID',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'DELIVERED',
  'COMPLETED',
]);
const ENDED_STATUSES = new Set(['CANCELLED', 'EXPIRED']);
const PAYMENT_KINDS: Record<string, string> = {
  'payment.authorized': 'AUTHORIZED',
  'payment.captured': 'CAPTURED',
  'payment.refunded': 'REFUNDED',
  'payment.voided': 'VOIDED',
  'payment.declined': 'DECLINED',
};

interface MoneyData {
  amountMinor: number;
  currency: string;
}
const moneyOf = (value: unknown): MoneyData | null => {
  const m = (value ?? {}) as Record<string, unknown>;
  return typeof m.amountMinor === 'number' &&
    Number.isSafeInteger(m.amountMinor) &&
    typeof m.currency === 'string'
    ? { amountMinor: m.amountMinor, currency: m.currency }
    : null;
};

export interface Logger {
  warn(message: string): void;
}

export interface AnalyticsServiceDeps {
  /** Queries on the database (reads). */
  reads: AnalyticsQueries;
  /** Queries bound to a consumer transaction. */
  queriesOf(tx: DbTransaction): AnalyticsQueries;
  /** The current time (snapshots of `apiUsageUpdated`). */
  clock: () => Date;
  logger?: Logger;
}

/** The analytics domain: projects usage and business events into rollups and reads them. */
export function createAnalyticsService(deps: AnalyticsServiceDeps) {
  const { reads, clock } = deps;
  const logger = deps.logger ?? log;
  const skip = (envelope: EventEnvelope, reason: string) =>
    logger.warn(`[analytics] ${envelope.type} ${envelope.id}: ${reason}, skipped`);

  async function onUsage(envelope: EventEnvelope, q: AnalyticsQueries) {
    const parsed = parseUsageEvent(envelope.data);
    if (!parsed.ok) return skip(envelope, parsed.reason);
    await q.addUsage(usageWrites(parsed.event));
  }

  async function onOrder(envelope: EventEnvelope, q: AnalyticsQueries, d: Record<string, unknown>) {
    const orderId = text(d.orderId) ?? envelope.subject;
    const at = new Date(envelope.time);
    switch (envelope.type) {
      case 'order.created': {
        const total = moneyOf(d.total);
        if (!total) return skip(envelope, 'no total');
        const lines = (Array.isArray(d.lines) ? d.lines : []).flatMap((raw, index) => {
          const line = (raw ?? {}) as Record<string, unknown>;
          const unit = moneyOf(line.unitPrice);
          const productId = text(line.productId);
          const quantity = line.quantity;
          if (!unit || !productId || typeof quantity !== 'number' || !Number.isInteger(quantity)) {
            return [];
          }
          return [
            {
              lineNo: index,
              productId,
              variantId: text(line.variantId),
              productName: text(line.productName) ?? productId,
              quantity,
              unitMinor: unit.amountMinor,
              currency: unit.currency,
            },
          ];
        });
        await q.recordOrder(
          {
            orderId,
            userId: text(d.userId),
            currency: total.currency,
            totalMinor: total.amountMinor,
            createdAt: at,
          },
          lines,
        );
        return;
      }
      case 'order.placed':
      case 'order.paid':
        return q.markOrder(orderId, 'placed', at);
      case 'order.cancelled':
      case 'order.expired':
        return q.markOrder(orderId, 'cancelled', at);
      case 'order.status_changed': {
        const to = text(d.to);
        if (to && PLACED_STATUSES.has(to)) await q.markOrder(orderId, 'placed', at);
        if (to && ENDED_STATUSES.has(to)) await q.markOrder(orderId, 'cancelled', at);
        return;
      }
    }
  }

  async function onPayment(
    envelope: EventEnvelope,
    q: AnalyticsQueries,
    d: Record<string, unknown>,
  ) {
    const kind = PAYMENT_KINDS[envelope.type];
    if (!kind) return;
    const amount = moneyOf(d.amount);
    const paymentId = text(d.paymentId);
    if (!amount || !paymentId) return skip(envelope, 'malformed payment payload');
    await q.recordPayment({
      eventId: envelope.id,
      paymentId,
      orderId: text(d.orderId) ?? envelope.subject,
      kind,
      amountMinor: amount.amountMinor,
      currency: amount.currency,
      occurredAt: new Date(envelope.time),
    });
  }

  async function onCart(envelope: EventEnvelope, q: AnalyticsQueries, d: Record<string, unknown>) {
    const cartId = text(d.cartId) ?? envelope.subject;
    const at = new Date(envelope.time);
    if (envelope.type === 'cart.created') await q.markCart(cartId, { createdAt: at });
    if (envelope.type === 'cart.converted') {
      await q.markCart(cartId, { convertedAt: at, orderId: text(d.orderId) });
    }
  }

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
    /** Applies one consumed event inside the consumer's transaction. */
    async handleEvent(envelope: DomainEvent, tx: DbTransaction): Promise<void> {
      const q = deps.queriesOf(tx);
      switch (envelope.topic) {
        case TOPICS.apiUsage:
          return onUsage(envelope, q);
        case TOPICS.order:
          return onOrder(envelope, q, envelope.data);
        case TOPICS.payment:
          return onPayment(envelope, q, envelope.data);
        case TOPICS.cart:
          return onCart(envelope, q, envelope.data);
      }
    },

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

    /** Orders, placed revenue, payments and the cart funnel over the range. */
    async salesSummary(range: TimeRange): Promise<Result<{ summary: SalesSummaryView }>> {
      const invalid = validateRange(range);
      if (invalid) return invalid;
      const { from, to } = range;
      const [totals, hourly, captured, refunded, funnel] = await Promise.all([
        reads.orderTotals(from, to),
        reads.ordersPerHour(from, to),
        reads.paymentTotals('CAPTURED', from, to),
        reads.paymentTotals('REFUNDED', from, to),
        reads.cartFunnel(from, to),
      ]);
      const hours = new Map<number, SalesSummaryView['hourly'][number]>();
      for (const row of hourly) {
        let hour = hours.get(row.hour.getTime());
        if (!hour) {
          hour = { hour: row.hour, orders: 0, placedOrders: 0, revenue: [] };
          hours.set(row.hour.getTime(), hour);
        }
        hour.orders += row.orders;
        hour.placedOrders += row.placed;
        if (row.revenueMinor !== 0) {
          hour.revenue.push({ amount: row.revenueMinor, currencyCode: row.currency });
        }
      }
      const sum = (pick: (row: (typeof totals)[number]) => number) =>
        totals.reduce((acc, row) => acc + pick(row), 0);
      return {
        ok: true,
        summary: {
          range,
          orders: sum((row) => row.orders),
          placedOrders: sum((row) => row.placed),
          cancelledOrders: sum((row) => row.cancelled),
          revenue: money(totals.map((row) => ({ ...row, amountMinor: row.revenueMinor }))),
          captured: money(captured),
          refunded: money(refunded),
          cartsCreated: funnel.created,
          cartsConverted: funnel.converted,
          conversionRate: funnel.created === 0 ? null : round(funnel.converted / funnel.created),
          hourly: [...hours.values()],
        },
      };
    },

    /** Best-selling products (per currency) over the placed orders created in the range. */
    async topProducts(
      range: TimeRange,
      limit: number,
      orderBy: 'UNITS' | 'REVENUE',
    ): Promise<Result<{ products: TopProductView[] }>> {
      const invalid = validateRange(range);
      if (invalid) return invalid;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        return fail('limit must be between 1 and 100', ['limit']);
      }
      const rows = await reads.topProducts({
        ...range,
        limit,
        orderBy: orderBy === 'UNITS' ? 'units' : 'revenue',
      });
      return {
        ok: true,
        products: rows.map((row) => ({
          productId: row.productId,
          productName: row.productName,
          units: row.units,
          orders: row.orders,
          revenue: { amount: row.revenueMinor, currencyCode: row.currency },
        })),
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

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
