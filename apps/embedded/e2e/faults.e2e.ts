import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createKafkaBus } from '@shop/events';
import { startKafkaCluster, type KafkaMock } from '@shop/testing';
import { eventually, startTestGraph, type TestGraph } from './harness';
import { ADD_LINES, ADDRESS, CHECKOUT, ORDER, PAY, SET_STOCK, TEST_CARD } from './operations';

// Fault tests run the graph against infrastructure the test owns (a Kafka-protocol mock cluster),
// so stopping it never disturbs other suites.

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
}, 60_000);

async function prepareShoppers(t: TestGraph, count: number) {
  const products = await t.gql(
    `query { products(first: 5) { edges { node { variants { id } } } } }`,
  );
  const variantId = products.body.data?.products.edges[0].node.variants[0].id as string;
  const admin = await t.adminToken();
  await t.gql(SET_STOCK, { id: variantId, input: { stockOnHand: 1000 } }, admin);
  const shoppers = [];
  for (let i = 0; i < count; i += 1) {
    const customer = await t.newCustomer();
    const added = await t.gql(
      ADD_LINES,
      { input: { lines: [{ variantId, quantity: 1 }] } },
      customer.token,
    );
    shoppers.push({
      ...customer,
      cartId: added.body.data?.addCartLines.cart.id as string,
      total: added.body.data?.addCartLines.cart.subtotal,
    });
  }
  return shoppers;
}

const checkout = (
  t: TestGraph,
  shopper: { token: string; cartId: string; total: { amount: number; currencyCode: string } },
) =>
  t.gql(
    CHECKOUT,
    {
      input: {
        cartId: shopper.cartId,
        shippingAddress: ADDRESS,
        idempotencyKey: randomUUID(),
        expectedTotal: shopper.total,
      },
    },
    shopper.token,
  );

describe('faults', () => {
  // Postgres restarts mid-checkout: apps/embedded/reliability/faults/postgres-restart.rel.ts (B4).
  it('should lose no event and duplicate no effect across a 30 s Kafka broker outage', async () => {
    // Production defaults: idempotent producer, topics created by the bus (none pre-created).
    const mock: KafkaMock = await startKafkaCluster(1);
    cleanups.push(() => mock.stop());
    const bus = await createKafkaBus({ brokers: mock.brokers, clientId: 'faults' });
    const t = await startTestGraph('pglite', { bus });
    cleanups.push(() => t.stop());
    const shoppers = await prepareShoppers(t, 12);

    await mock.down(1);
    const outageStart = Date.now();
    const orders: Array<{ orderId: string; token: string }> = [];
    for (const shopper of shoppers) {
      const result = await checkout(t, shopper);
      expect(result.body.data?.checkout.userErrors).toEqual([]);
      orders.push({ orderId: result.body.data?.checkout.order.id as string, token: shopper.token });
      await new Promise((resolve) => setTimeout(resolve, 30_000 / shoppers.length));
    }
    expect(Date.now() - outageStart).toBeGreaterThanOrEqual(29_000);
    await mock.up(1);

    // Every order.created reached the cart subgraph (carts converted) ...
    await eventually(async () => {
      const [row] = await t.graph.database.query<{ n: number }>(
        `select count(*)::int as n from cart.carts where id = any($1::uuid[]) and status = 'CONVERTED'`,
        [shoppers.map((s) => s.cartId)],
      );
      return row!.n === shoppers.length;
    }, 60_000);
    // ... and the payment saga runs end to end over Kafka after recovery.
    for (const order of orders) {
      const paid = await t.gql(
        PAY,
        { input: { orderId: order.orderId, card: TEST_CARD, idempotencyKey: randomUUID() } },
        order.token,
      );
      expect(paid.body.data?.payOrder.payment.status).toBe('AUTHORIZED');
    }
    await eventually(async () => {
      const statuses = await Promise.all(
        orders.map((o) => t.gql(ORDER, { id: o.orderId }, o.token)),
      );
      return statuses.every((s) => s.body.data?.order.status === 'PAYMENT_AUTHORIZED');
    }, 60_000);

    // No duplicate effects: one conversion per cart, one transition of each kind per order.
    const [effects] = await t.graph.database.query<{ conversions: number; authorized: number }>(
      `select (select count(*)::int from cart.outbox where type = 'cart.converted' and key = any($1)) as conversions,
              (select count(*)::int from "order".order_status_history where order_id = any($2::uuid[]) and to_status = 'PAYMENT_AUTHORIZED') as authorized`,
      [shoppers.map((s) => s.cartId), orders.map((o) => o.orderId)],
    );
    expect(effects).toEqual({ conversions: shoppers.length, authorized: orders.length });
  }, 180_000);
});
