import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import {
  admin,
  cartEvent,
  customer,
  orderCreated,
  orderTransition,
  paymentEvent,
  startHarness,
  totalOf,
  type Harness,
  type TestOrder,
} from './harness';

const SALES = `query ($range: TimeRangeInput!) {
  salesSummary(range: $range) {
    from to orders placedOrders cancelledOrders
    revenue { amount currencyCode }
    captured { amount currencyCode }
    refunded { amount currencyCode }
    cartsCreated cartsConverted conversionRate
    hourly { hour orders placedOrders revenue { amount currencyCode } }
  }
}`;
const TOP = `query ($range: TimeRangeInput!, $limit: Int, $orderBy: TopProductOrder) {
  topProducts(range: $range, limit: $limit, orderBy: $orderBy) {
    productId productName product { id } units orders revenue { amount currencyCode }
  }
}`;

const S0 = new Date('2026-04-01T09:00:00.000Z');
const at = (minutes: number) => new Date(S0.getTime() + minutes * 60_000);
const range = (from: Date, to: Date) => ({ from: from.toISOString(), to: to.toISOString() });
const DAY = range(at(0), at(24 * 60));

const A = { productId: randomUUID(), productName: 'Tee' };
const B = { productId: randomUUID(), productName: 'Mug' };
const C = { productId: randomUUID(), productName: 'Cap' };

const order = (currency: string, lines: TestOrder['lines'], shippingMinor: number): TestOrder => ({
  orderId: randomUUID(),
  userId: randomUUID(),
  cartId: randomUUID(),
  currency,
  lines,
  shippingMinor,
});

// o1 USD placed + captured; o2 EUR paid (next hour); o3 USD cancelled unpaid;
// o4 USD placed, captured, then cancelled and refunded (gross revenue keeps it).
const o1 = order(
  'USD',
  [
    { ...A, quantity: 2, unitMinor: 1500 },
    { ...B, quantity: 1, unitMinor: 999 },
  ],
  500,
);
const o2 = order('EUR', [{ ...C, quantity: 3, unitMinor: 700 }], 0);
const o3 = order('USD', [{ ...A, quantity: 1, unitMinor: 1500 }], 0);
const o4 = order('USD', [{ ...B, quantity: 5, unitMinor: 999 }], 0);

describe.each(testDatabaseTargets())('sales analytics on $name', (target) => {
  let h: Harness;
  const root = admin();

  beforeAll(async () => {
    h = await startHarness(target);
    const carts = [o1, o2, o3, o4].map((o) => ({ cartId: o.cartId, userId: o.userId }));
    const outside = { cartId: randomUUID(), userId: null };
    await h.publish(
      ...carts.map((cart, i) =>
        cartEvent(cart, { type: 'cart.created', version: 1, at: at(i) }, { currencyCode: 'USD' }),
      ),
      cartEvent(
        outside,
        { type: 'cart.created', version: 1, at: at(-60) },
        { currencyCode: 'USD' },
      ),
      // o1
      orderCreated(o1, at(5)),
      cartEvent(
        carts[0]!,
        { type: 'cart.converted', version: 4, at: at(5) },
        { orderId: o1.orderId },
      ),
      paymentEvent(
        o1,
        { type: 'payment.authorized', status: 'AUTHORIZED', version: 1, amountMinor: totalOf(o1) },
        at(6),
      ),
      ...orderTransition(
        o1,
        { from: 'PENDING_PAYMENT', to: 'PAYMENT_AUTHORIZED', version: 2, type: 'order.placed' },
        at(6),
      ),
      paymentEvent(
        o1,
        { type: 'payment.captured', status: 'CAPTURED', version: 2, amountMinor: totalOf(o1) },
        at(7),
      ),
      ...orderTransition(
        o1,
        { from: 'PAYMENT_AUTHORIZED', to: 'PAID', version: 3, type: 'order.paid' },
        at(7),
      ),
      // o3: never paid, cancelled
      orderCreated(o3, at(20)),
      ...orderTransition(
        o3,
        { from: 'PENDING_PAYMENT', to: 'CANCELLED', version: 2, type: 'order.cancelled' },
        at(25),
      ),
      // o4: placed, captured, cancelled, refunded
      orderCreated(o4, at(30)),
      ...orderTransition(
        o4,
        { from: 'PENDING_PAYMENT', to: 'PAID', version: 2, type: 'order.placed' },
        at(31),
      ),
      paymentEvent(
        o4,
        { type: 'payment.captured', status: 'CAPTURED', version: 1, amountMinor: totalOf(o4) },
        at(31),
      ),
      ...orderTransition(
        o4,
        { from: 'PAID', to: 'CANCELLED', version: 3, type: 'order.cancelled' },
        at(40),
      ),
      paymentEvent(
        o4,
        { type: 'payment.refunded', status: 'REFUNDED', version: 2, amountMinor: totalOf(o4) },
        at(41),
      ),
      // o2 (EUR) in the next hour, paid in one step
      orderCreated(o2, at(70)),
      cartEvent(
        carts[1]!,
        { type: 'cart.converted', version: 2, at: at(70) },
        { orderId: o2.orderId },
      ),
      ...orderTransition(
        o2,
        { from: 'PENDING_PAYMENT', to: 'PAID', version: 2, type: 'order.placed' },
        at(71),
      ),
    );
    await h.settle();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('summarises orders, gross placed revenue, payments and cart conversion', async () => {
    const result = await h.call(root, SALES, { range: DAY });
    expect(result.errors).toBeUndefined();
    expect(totalOf(o1)).toBe(4499);
    expect(result.data.salesSummary).toEqual({
      from: DAY.from,
      to: DAY.to,
      orders: 4,
      placedOrders: 3,
      cancelledOrders: 2,
      revenue: [
        { amount: 2100, currencyCode: 'EUR' },
        { amount: 4499 + 4995, currencyCode: 'USD' },
      ],
      captured: [{ amount: 4499 + 4995, currencyCode: 'USD' }],
      refunded: [{ amount: 4995, currencyCode: 'USD' }],
      cartsCreated: 4,
      cartsConverted: 2,
      conversionRate: 0.5,
      hourly: [
        {
          hour: at(0).toISOString(),
          orders: 3,
          placedOrders: 2,
          revenue: [{ amount: 9494, currencyCode: 'USD' }],
        },
        {
          hour: at(60).toISOString(),
          orders: 1,
          placedOrders: 1,
          revenue: [{ amount: 2100, currencyCode: 'EUR' }],
        },
      ],
    });
  });

  it('attributes orders and carts to the range they were created in', async () => {
    const firstHalfHour = await h.call(root, SALES, { range: range(at(0), at(30)) });
    expect(firstHalfHour.data.salesSummary).toMatchObject({
      orders: 2,
      placedOrders: 1,
      cancelledOrders: 1,
      revenue: [{ amount: 4499, currencyCode: 'USD' }],
      captured: [{ amount: 4499, currencyCode: 'USD' }],
      refunded: [],
      cartsCreated: 4,
      cartsConverted: 2,
    });
    const empty = await h.call(root, SALES, { range: range(at(-600), at(-300)) });
    expect(empty.data.salesSummary).toMatchObject({
      orders: 0,
      revenue: [],
      cartsCreated: 0,
      conversionRate: null,
      hourly: [],
    });
  });

  it('ranks top products by units or revenue over placed orders', async () => {
    const byUnits = await h.call(root, TOP, { range: DAY });
    expect(byUnits.errors).toBeUndefined();
    expect(byUnits.data.topProducts).toEqual([
      {
        productId: B.productId,
        productName: 'Mug',
        product: { id: B.productId },
        units: 6,
        orders: 2,
        revenue: { amount: 6 * 999, currencyCode: 'USD' },
      },
      {
        productId: C.productId,
        productName: 'Cap',
        product: { id: C.productId },
        units: 3,
        orders: 1,
        revenue: { amount: 2100, currencyCode: 'EUR' },
      },
      {
        productId: A.productId,
        productName: 'Tee',
        product: { id: A.productId },
        units: 2, // o3's unit is not counted: never placed
        orders: 1,
        revenue: { amount: 3000, currencyCode: 'USD' },
      },
    ]);
    const byRevenue = await h.call(root, TOP, { range: DAY, limit: 2, orderBy: 'REVENUE' });
    expect(byRevenue.data.topProducts.map((p: { productName: string }) => p.productName)).toEqual([
      'Mug',
      'Tee',
    ]);
  });

  it('is for admins only and validates its input', async () => {
    const sales = await h.call(customer(), SALES, { range: DAY });
    expect(sales.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const top = await h.call(customer(), TOP, { range: DAY });
    expect(top.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const inverted = await h.call(root, SALES, { range: range(at(10), at(0)) });
    expect(inverted.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const tooLong = await h.call(root, TOP, { range: range(at(0), at(32 * 24 * 60)) });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const badLimit = await h.call(root, TOP, { range: DAY, limit: 0 });
    expect(badLimit.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
