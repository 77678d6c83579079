import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '@shop/db';
import { testDatabaseTargets } from '@shop/testing';
import { startWakeups } from '../src/live';
import {
  cartEvent,
  cartToken,
  customer,
  newOrder,
  orderCreated,
  orderTransition,
  paymentEvent,
  record,
  startHarness,
  type Harness,
} from './harness';

const ORDER_STATUS = `subscription ($orderId: ID!, $after: String) {
  orderStatusChanged(orderId: $orderId, after: $after) { status version snapshot cursor }
}`;
const PAYMENT_STATUS = `subscription ($orderId: ID!, $after: String) {
  paymentStatusChanged(orderId: $orderId, after: $after) { status version snapshot cursor }
}`;
const CART_UPDATED = `subscription ($cartId: ID!, $cartToken: String, $after: String) {
  cartUpdated(cartId: $cartId, cartToken: $cartToken, after: $after) { reason version snapshot cursor }
}`;

const STATUSES = ['PENDING_PAYMENT', 'PAYMENT_AUTHORIZED', 'SHIPPED', 'DELIVERED', 'COMPLETED'];
const LINE_ADDED = {
  variantId: randomUUID(),
  productId: randomUUID(),
  sku: 'TSHIRT-M-BLUE',
  quantity: 1,
  lineQuantity: 1,
  unitPrice: { amountMinor: 1999, currency: 'USD' },
};
const LINE_UPDATED = {
  variantId: LINE_ADDED.variantId,
  sku: 'TSHIRT-M-BLUE',
  fromQuantity: 1,
  quantity: 3,
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Item = {
  status?: string;
  reason?: string;
  version: number;
  snapshot: boolean;
  cursor: string;
};
const itemsOf = (results: Array<{ data?: Record<string, unknown> | null }>, field: string) =>
  results.map((result) => result.data![field] as Item);
const versions = (items: Item[]) => items.map((item) => [item.version, item.snapshot]);

describe.each(testDatabaseTargets())('resumable state streams on $name', (target) => {
  let h: Harness;
  let seq = 500;
  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Moves the order to version `version` (status changes 2..n). */
  const advance = (order: ReturnType<typeof newOrder>, from: number, to: number) =>
    h.publish(
      ...Array.from({ length: to - from }, (_, i) =>
        orderTransition(order, {
          from: STATUSES[from + i - 1]!,
          to: STATUSES[from + i]!,
          version: from + i + 1,
        }),
      ).flat(),
    );

  it('orderStatusChanged(after): exactly the versions after the cursor, no snapshot, then live', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    await h.publish(orderCreated(order));
    await h.settle();
    const first = record(h.connect(user), ORDER_STATUS, { orderId: order.orderId });
    await first.waitFor(1);
    await advance(order, 1, 3);
    const got = itemsOf(await first.waitFor(3), 'orderStatusChanged');
    expect(versions(got)).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ]);
    expect(got.map((item) => item.cursor)).toEqual(['1', '2', '3']);
    first.unsubscribe();

    // Missed while away: versions 4 and 5.
    await advance(order, 3, 5);
    await h.settle();
    const resumed = record(h.connect(user), ORDER_STATUS, {
      orderId: order.orderId,
      after: got[2]!.cursor,
    });
    await resumed.waitFor(2);
    await sleep(150);
    expect(itemsOf(resumed.results, 'orderStatusChanged')).toEqual([
      { status: 'DELIVERED', version: 4, snapshot: false, cursor: '4' },
      { status: 'COMPLETED', version: 5, snapshot: false, cursor: '5' },
    ]);
    // Then live.
    await h.publish(...orderTransition(order, { from: 'COMPLETED', to: 'CANCELLED', version: 6 }));
    await resumed.waitFor(3);
    await sleep(150);
    expect(versions(itemsOf(resumed.results, 'orderStatusChanged'))).toEqual([
      [4, false],
      [5, false],
      [6, false],
    ]);
    // A cursor at the latest version: nothing until the next change.
    const upToDate = record(h.connect(user), ORDER_STATUS, { orderId: order.orderId, after: '6' });
    await sleep(200);
    expect(upToDate.results).toEqual([]);
    for (const sub of [resumed, upToDate]) sub.unsubscribe();
  });

  it('paymentStatusChanged(after) and cartUpdated(after) resume the same way', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    const paymentId = randomUUID();
    const cart = { cartId: randomUUID(), userId: null };
    await h.publish(
      orderCreated(order),
      paymentEvent(order, {
        paymentId,
        type: 'payment.authorized',
        status: 'AUTHORIZED',
        version: 1,
      }),
      cartEvent(cart, 'cart.created', 1, { currencyCode: 'USD' }),
      cartEvent(cart, 'cart.line_added', 2, LINE_ADDED),
    );
    await h.settle();
    await h.publish(
      paymentEvent(order, { paymentId, type: 'payment.captured', status: 'CAPTURED', version: 2 }),
      paymentEvent(order, { paymentId, type: 'payment.refunded', status: 'REFUNDED', version: 3 }),
      cartEvent(cart, 'cart.line_updated', 3, LINE_UPDATED),
    );
    await h.settle();
    const payment = record(h.connect(user), PAYMENT_STATUS, { orderId: order.orderId, after: '1' });
    const carts = record(h.connect(null), CART_UPDATED, {
      cartId: cart.cartId,
      cartToken: cartToken(cart.cartId),
      after: '1',
    });
    await payment.waitFor(2);
    await carts.waitFor(2);
    await sleep(150);
    expect(itemsOf(payment.results, 'paymentStatusChanged')).toEqual([
      { status: 'CAPTURED', version: 2, snapshot: false, cursor: '2' },
      { status: 'REFUNDED', version: 3, snapshot: false, cursor: '3' },
    ]);
    expect(itemsOf(carts.results, 'cartUpdated')).toEqual([
      { reason: 'line_added', version: 2, snapshot: false, cursor: '2' },
      { reason: 'line_updated', version: 3, snapshot: false, cursor: '3' },
    ]);
    for (const sub of [payment, carts]) sub.unsubscribe();
  });

  it('refuses an `after` that is not a cursor with BAD_USER_INPUT', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    await h.publish(orderCreated(order));
    await h.settle();
    for (const after of ['abc', '-1', '1.5', '01', '', '99999999999999999999']) {
      const sub = record(h.connect(user), ORDER_STATUS, { orderId: order.orderId, after });
      await sub.ended();
      expect(sub.results).toEqual([
        {
          errors: [
            expect.objectContaining({
              path: ['orderStatusChanged'],
              extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
            }),
          ],
        },
      ]);
    }
    const cart = record(h.connect(null), CART_UPDATED, {
      cartId: randomUUID(),
      cartToken: cartToken(randomUUID()),
      after: 'x',
    });
    await cart.ended();
    expect(cart.results[0]!.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('the purge keeps recent versions and the latest of each topic; purged history resumes from a snapshot', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    const recent = newOrder(user.userId, ++seq);
    await h.publish(orderCreated(order), orderCreated(recent));
    await h.settle();
    await advance(order, 1, 4);
    await advance(recent, 1, 2);
    await h.settle();
    // The first order's versions are two days old; the other's are recent.
    await h.database.query(
      `update notification.stream_items set created_at = now() - interval '2 days' where topic = $1`,
      [`order:${order.orderId}`],
    );
    const journal = async (orderId: string) =>
      (
        await h.database.query<{ position: number }>(
          `select position::int as position from notification.stream_items where topic = $1 order by position`,
          [`order:${orderId}`],
        )
      ).map((row) => row.position);
    expect(await journal(order.orderId)).toEqual([1, 2, 3, 4]);
    // Every replica may run it at once.
    const deleted = await Promise.all([
      h.subgraph.purgeStreamItems(),
      h.subgraph.purgeStreamItems(),
    ]);
    expect(deleted[0]! + deleted[1]!).toBeGreaterThanOrEqual(3);
    expect(await journal(order.orderId)).toEqual([4]);
    expect(await journal(recent.orderId)).toEqual([1, 2]);
    expect(await h.subgraph.purgeStreamItems()).toBe(0);

    // Versions 2 and 3 are gone: a client at version 1 gets the current state as a snapshot.
    const gap = record(h.connect(user), ORDER_STATUS, { orderId: order.orderId, after: '1' });
    await gap.waitFor(1);
    expect(itemsOf(gap.results, 'orderStatusChanged')).toEqual([
      { status: 'DELIVERED', version: 4, snapshot: true, cursor: '4' },
    ]);
    // A client at the kept latest version resumes without a snapshot.
    const current = record(h.connect(user), ORDER_STATUS, { orderId: order.orderId, after: '4' });
    await advance(order, 4, 5);
    await current.waitFor(1);
    await gap.waitFor(2);
    await sleep(150);
    expect(versions(itemsOf(current.results, 'orderStatusChanged'))).toEqual([[5, false]]);
    expect(versions(itemsOf(gap.results, 'orderStatusChanged'))).toEqual([
      [4, true],
      [5, false],
    ]);
    for (const sub of [gap, current]) sub.unsubscribe();
  });

  it('a state from before the journal resumes from a snapshot (its history was never kept)', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    await h.publish(orderCreated(order));
    await h.settle();
    await advance(order, 1, 3);
    await h.settle();
    // As after the migration: the read model has version 3, the journal nothing.
    await h.database.query('delete from notification.stream_items where topic = $1', [
      `order:${order.orderId}`,
    ]);
    const old = record(h.connect(user), ORDER_STATUS, { orderId: order.orderId, after: '1' });
    const upToDate = record(h.connect(user), ORDER_STATUS, { orderId: order.orderId, after: '3' });
    await old.waitFor(1);
    await sleep(200);
    expect(versions(itemsOf(old.results, 'orderStatusChanged'))).toEqual([[3, true]]);
    expect(upToDate.results).toEqual([]);
    await advance(order, 3, 4);
    await old.waitFor(2);
    await upToDate.waitFor(1);
    expect(versions(itemsOf(old.results, 'orderStatusChanged'))).toEqual([
      [3, true],
      [4, false],
    ]);
    expect(versions(itemsOf(upToDate.results, 'orderStatusChanged'))).toEqual([[4, false]]);
    for (const sub of [old, upToDate]) sub.unsubscribe();
  });
});

describe('live wake-ups on the embedded database', () => {
  it('refuses `postgres` wake-ups on PGlite (one process: `process` is its default)', async () => {
    const database = await createDatabase();
    try {
      await expect(startWakeups(database, 'postgres')).rejects.toThrow(
        'NOTIFICATION_LIVE_WAKEUPS=postgres needs Postgres (DATABASE_URL)',
      );
      const wakeups = await startWakeups(database, 'process');
      expect(wakeups.mode).toBe('process');
      await wakeups.close();
    } finally {
      await database.close();
    }
    // Opening PGlite takes long on a loaded machine.
  }, 120_000);
});
