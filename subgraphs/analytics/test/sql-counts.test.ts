import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEnvelope } from '@shop/events';
import { countQueries, labelQueriesByServer, testDatabaseTargets } from '@shop/testing';
import {
  admin,
  cartEvent,
  orderCreated,
  orderTransition,
  paymentEvent,
  startHarness,
  totalOf,
  usageEvent,
  type Harness,
  type TestOrder,
} from './harness';

// SQL per operation must not grow with the data it reads or writes (docs/CONVENTIONS.md):
// each read below runs over 1 and over 50 keys (operations, buckets, orders, products), each
// consumed event with 1 and with 50 parts (subgraph fetches, order lines).

const API_USAGE = `query ($range: TimeRangeInput!, $groupBy: UsageGroupBy!) {
  apiUsage(range: $range, groupBy: $groupBy) { key requests p95Ms }
}`;
const OPERATION_STATS = `query ($name: String!, $range: TimeRangeInput!) {
  operationStats(name: $name, range: $range) { totals { requests } series { at requests } }
}`;
const SALES = `query ($range: TimeRangeInput!) {
  salesSummary(range: $range) {
    orders placedOrders captured { amount } cartsCreated cartsConverted hourly { orders }
  }
}`;
const TOP = `query ($range: TimeRangeInput!, $limit: Int) {
  topProducts(range: $range, limit: $limit) { productId units }
}`;

const MIN = 60_000;
const HOUR = 3_600_000;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
const hourOf = (from: Date) => ({ from: from.toISOString(), to: at(from, HOUR).toISOString() });
const dayOf = (from: Date) => ({ from: from.toISOString(), to: at(from, 24 * HOUR).toISOString() });

/** Usage: one operation in U1's hour; 50 operations and one in 50 minute buckets in U50's. */
const U1 = new Date('2026-05-01T10:00:00.000Z');
const U50 = new Date('2026-05-02T10:00:00.000Z');
/** Sales: one order on S1's day, 50 orders (one product each) on S50's. */
const S1 = new Date('2026-05-10T00:00:00.000Z');
const S50 = new Date('2026-05-11T00:00:00.000Z');
/** Consumed events: a usage event and an order written on these hours. */
const W1 = new Date('2026-05-20T10:00:00.000Z');
const W50 = new Date('2026-05-21T10:00:00.000Z');

const usage = (operationName: string, startedAt: Date, fetches = 1) =>
  usageEvent({
    operationName,
    durationMs: 40,
    startedAt,
    subgraphFetches: Array.from({ length: fetches }, (_, i) => ({
      subgraph: `subgraph-${i}`,
      durationMs: 20,
      ok: true,
    })),
  });

const newOrder = (lines: number): TestOrder => ({
  orderId: randomUUID(),
  userId: randomUUID(),
  cartId: randomUUID(),
  currency: 'USD',
  lines: Array.from({ length: lines }, (_, i) => ({
    productId: randomUUID(),
    productName: `Product ${i}`,
    quantity: 1 + (i % 3),
    unitMinor: 500 + i,
  })),
  shippingMinor: 0,
});

/** A cart turned into an order that is placed and captured, all at `time`. */
function soldOrder(time: Date): NewEnvelope[] {
  const order = newOrder(1);
  const cart = { cartId: order.cartId, userId: order.userId };
  return [
    cartEvent(cart, { type: 'cart.created', version: 1, at: time }, { currencyCode: 'USD' }),
    orderCreated(order, time),
    cartEvent(cart, { type: 'cart.converted', version: 2, at: time }, { orderId: order.orderId }),
    ...orderTransition(
      order,
      { from: 'PENDING_PAYMENT', to: 'PAID', version: 2, type: 'order.placed' },
      time,
    ),
    paymentEvent(
      order,
      { type: 'payment.captured', status: 'CAPTURED', version: 1, amountMinor: totalOf(order) },
      time,
    ),
  ];
}

/** Statements on the analytics tables themselves (not the consumer's dedupe bookkeeping). */
const DOMAIN_TABLE =
  /"analytics"\."(usage_rollups|usage_latency|orders|order_lines|order_milestones|payment_movements|carts)"/;

describe.each(testDatabaseTargets())('analytics SQL per operation on $name', (target) => {
  let h: Harness;
  const root = admin();

  beforeAll(async () => {
    h = await startHarness(target);
    labelQueriesByServer({ analytics: h.subgraph });
    await h.publish(
      usage('Op0', U1),
      ...Array.from({ length: 50 }, (_, i) => usage(`Op${i}`, at(U50, i * MIN))),
      ...Array.from({ length: 50 }, (_, i) => usage('Busy', at(U50, i * MIN))),
      ...soldOrder(at(S1, HOUR)),
      ...Array.from({ length: 50 }, (_, i) => soldOrder(at(S50, i * 10 * MIN))).flat(),
    );
    await h.settle();
  });
  afterAll(async () => {
    await h?.close();
  });

  const sqlOf = async <T>(fn: () => Promise<T>) => {
    const { result, byLabel } = await countQueries(h.database, fn);
    return { result, queries: byLabel.analytics ?? 0 };
  };

  /** Publishes `events` and counts the consumer's statements on the analytics tables. */
  const consumerSql = async (...events: NewEnvelope[]) => {
    let statements = 0;
    const unsubscribe = h.database.onQuery((event) => {
      if (DOMAIN_TABLE.test(event.text)) statements += 1;
    });
    try {
      await h.publish(...events);
      await h.settle();
    } finally {
      unsubscribe();
    }
    return statements;
  };

  it('should read the usage of 50 operations in as many queries as of 1', async () => {
    const read = (from: Date) =>
      sqlOf(() => h.call(root, API_USAGE, { range: hourOf(from), groupBy: 'OPERATION' }));
    const one = await read(U1);
    const fifty = await read(U50);
    console.log(`[sql] analytics apiUsage: 1 → ${one.queries}, 51 → ${fifty.queries}`);

    expect(fifty.result.errors).toBeUndefined();
    expect(one.result.data.apiUsage).toEqual([
      { key: 'query Op0', requests: 1, p95Ms: expect.any(Number) },
    ]);
    const rows = fifty.result.data.apiUsage as Array<{ key: string; requests: number }>;
    expect(rows).toHaveLength(51);
    expect(rows[0]).toMatchObject({ key: 'query Busy', requests: 50 });
    expect(fifty.queries).toBe(one.queries);
    expect(fifty.queries).toBeLessThanOrEqual(2); // rollups, histograms
  });

  it('should read an operation series of 50 minutes in as many queries as of 1', async () => {
    const one = await sqlOf(() =>
      h.call(root, OPERATION_STATS, { name: 'Op0', range: hourOf(U1) }),
    );
    const fifty = await sqlOf(() =>
      h.call(root, OPERATION_STATS, { name: 'Busy', range: hourOf(U50) }),
    );
    console.log(`[sql] analytics operationStats: 1 → ${one.queries}, 50 → ${fifty.queries}`);

    expect(fifty.result.errors).toBeUndefined();
    expect(one.result.data.operationStats.series).toHaveLength(1);
    expect(fifty.result.data.operationStats.totals.requests).toBe(50);
    expect(fifty.result.data.operationStats.series).toHaveLength(50);
    expect(fifty.queries).toBe(one.queries);
    expect(fifty.queries).toBeLessThanOrEqual(2);
  });

  it('should sum the sales of 50 orders in as many queries as of 1', async () => {
    const one = await sqlOf(() => h.call(root, SALES, { range: dayOf(S1) }));
    const fifty = await sqlOf(() => h.call(root, SALES, { range: dayOf(S50) }));
    console.log(`[sql] analytics salesSummary: 1 → ${one.queries}, 50 → ${fifty.queries}`);

    expect(fifty.result.errors).toBeUndefined();
    expect(one.result.data.salesSummary).toMatchObject({
      orders: 1,
      placedOrders: 1,
      cartsCreated: 1,
      cartsConverted: 1,
    });
    const summary = fifty.result.data.salesSummary;
    expect(summary).toMatchObject({
      orders: 50,
      placedOrders: 50,
      cartsCreated: 50,
      cartsConverted: 50,
    });
    expect(summary.hourly).toHaveLength(9); // orders every 10 minutes: hours 0..8
    expect(summary.captured).toHaveLength(1);
    expect(fifty.queries).toBe(one.queries);
    // order totals, orders per hour, captured, refunded, cart funnel
    expect(fifty.queries).toBeLessThanOrEqual(5);
  });

  it('should rank 50 products in as many queries as 1', async () => {
    const one = await sqlOf(() => h.call(root, TOP, { range: dayOf(S1), limit: 100 }));
    const fifty = await sqlOf(() => h.call(root, TOP, { range: dayOf(S50), limit: 100 }));
    console.log(`[sql] analytics topProducts: 1 → ${one.queries}, 50 → ${fifty.queries}`);

    expect(fifty.result.errors).toBeUndefined();
    expect(one.result.data.topProducts).toHaveLength(1);
    expect(fifty.result.data.topProducts).toHaveLength(50);
    expect(fifty.queries).toBe(one.queries);
    expect(fifty.queries).toBeLessThanOrEqual(1);
  });

  it('should write a usage event with 50 subgraph fetches in as many statements as with 1', async () => {
    const one = await consumerSql(usage('Write', W1, 1));
    const fifty = await consumerSql(usage('Write', W50, 50));
    console.log(`[sql] analytics usage event: 1 fetch → ${one}, 50 fetches → ${fifty}`);

    const subgraphs = await h.call(root, API_USAGE, { range: hourOf(W50), groupBy: 'SUBGRAPH' });
    expect(subgraphs.data.apiUsage).toHaveLength(50);
    expect(one).toBeGreaterThan(0);
    expect(fifty).toBe(one);
    expect(fifty).toBeLessThanOrEqual(2); // rollups, histograms
  });

  it('should write an order with 50 lines in as many statements as with 1', async () => {
    const small = newOrder(1);
    const large = newOrder(50);
    const one = await consumerSql(orderCreated(small, W1));
    const fifty = await consumerSql(orderCreated(large, W50));
    console.log(`[sql] analytics order.created: 1 line → ${one}, 50 lines → ${fifty}`);

    const [stored] = await h.database.query<{ lines: number }>(
      'select count(*)::int as lines from analytics.order_lines where order_id = $1',
      [large.orderId],
    );
    expect(stored?.lines).toBe(50);
    expect(one).toBeGreaterThan(0);
    expect(fifty).toBe(one);
    expect(fifty).toBeLessThanOrEqual(2); // order, lines
  });
});
