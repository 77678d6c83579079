import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, graphTargets, startTestGraph, type TestGraph } from './harness';
import {
  ADD_LINES,
  ADDRESS,
  ADMIN_ORDERS,
  CHECKOUT,
  DECLINED_CARD,
  MERGE,
  MY_CART,
  ORDER,
  PAY,
  SET_STOCK,
  SHIP,
  TEST_CARD,
  VARIANT_STOCK,
} from './operations';

/** A published variant with stock, picked from the seeded catalog. */
async function pickVariants(t: TestGraph, count: number): Promise<string[]> {
  const result = await t.gql(
    `query { products(first: 40) { edges { node { variants { id stockOnHand } } } } }`,
  );
  const ids = (
    result.body.data?.products.edges as Array<{
      node: { variants: Array<{ id: string; stockOnHand: number }> };
    }>
  )
    .flatMap((edge) => edge.node.variants)
    .filter((variant) => variant.stockOnHand >= 5)
    .map((variant) => variant.id);
  expect(ids.length).toBeGreaterThanOrEqual(count);
  return ids.slice(0, count);
}

async function cartWith(
  t: TestGraph,
  token: string,
  variantId: string,
  quantity = 1,
): Promise<{ cartId: string; total: { amount: number; currencyCode: string } }> {
  const added = await t.gql(ADD_LINES, { input: { lines: [{ variantId, quantity }] } }, token);
  expect(added.body.errors).toBeUndefined();
  expect(added.body.data?.addCartLines.userErrors).toEqual([]);
  // The cart's subtotal: the total the customer is shown and confirms at checkout.
  const cart = added.body.data?.addCartLines.cart;
  return { cartId: cart.id as string, total: cart.subtotal };
}

describe.each(graphTargets())(
  'checkout, payment and fulfilment through the gateway on %s',
  (target) => {
    let t: TestGraph;
    beforeAll(async () => {
      t = await startTestGraph(target);
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('should take a guest cart through login, merge, checkout, payment, shipping and tracking', async () => {
      const [first, second] = await pickVariants(t, 2);
      const stockBefore = (await t.gql(VARIANT_STOCK, { id: first })).body.data?.variant
        .stockOnHand as number;

      // A guest fills a cart and gets a signed cart token.
      const guest = await t.gql(ADD_LINES, {
        input: { lines: [{ variantId: first, quantity: 2 }] },
      });
      expect(guest.body.data?.addCartLines.userErrors).toEqual([]);
      const cartToken = guest.body.data?.addCartLines.cartToken as string;
      expect(cartToken).toMatch(/\./);

      // The guest signs up, already had a cart with another item, and merges.
      const customer = await t.newCustomer();
      await cartWith(t, customer.token, second!, 1);
      const merged = await t.gql(
        MERGE,
        { input: { cartToken, strategy: 'MERGE' } },
        customer.token,
      );
      expect(merged.body.data?.mergeGuestCart.userErrors).toEqual([]);
      const lines = merged.body.data?.mergeGuestCart.cart.lines as Array<{
        variantId: string;
        quantity: number;
      }>;
      expect(lines.map((l) => [l.variantId, l.quantity]).sort()).toEqual(
        [
          [first, 2],
          [second, 1],
        ].sort(),
      );

      const myCart = await t.gql(MY_CART, {}, customer.token);
      expect(myCart.body.errors).toBeUndefined();
      const cart = myCart.body.data?.me.cart;
      expect(cart.totalQuantity).toBe(3);
      expect(cart.lines[0].variant.product.name).toEqual(expect.any(String));

      // Checkout freezes totals in minor units and reserves stock.
      const checkout = await t.gql(
        CHECKOUT,
        {
          input: {
            cartId: cart.id,
            shippingAddress: ADDRESS,
            idempotencyKey: randomUUID(),
            expectedTotal: cart.subtotal,
          },
        },
        customer.token,
      );
      expect(checkout.body.errors).toBeUndefined();
      expect(checkout.body.data?.checkout.userErrors).toEqual([]);
      const order = checkout.body.data?.checkout.order;
      expect(order.status).toBe('PENDING_PAYMENT');
      const expectedTotal = (
        order.lines as Array<{ quantity: number; unitPrice: { amount: number } }>
      ).reduce((sum, line) => sum + line.quantity * line.unitPrice.amount, 0);
      expect(order.total.amount).toBe(expectedTotal);
      expect(Number.isInteger(order.total.amount)).toBe(true);
      expect((await t.gql(VARIANT_STOCK, { id: first })).body.data?.variant.stockOnHand).toBe(
        stockBefore - 2,
      );

      // The cart is converted by the order.created event.
      await eventually(
        async () => (await t.gql(MY_CART, {}, customer.token)).body.data?.me.cart === null,
      );

      // Pay with the test card; the payment.authorized event moves the order on.
      const paid = await t.gql(
        PAY,
        { input: { orderId: order.id, card: TEST_CARD, idempotencyKey: randomUUID() } },
        customer.token,
      );
      expect(paid.body.errors).toBeUndefined();
      expect(paid.body.data?.payOrder.userErrors).toEqual([]);
      expect(paid.body.data?.payOrder.payment).toMatchObject({
        status: 'AUTHORIZED',
        card: { last4: '4242' },
      });
      expect(paid.body.data?.payOrder.payment.amount.amount).toBe(order.total.amount);
      await eventually(async () => {
        const result = await t.gql(ORDER, { id: order.id }, customer.token);
        return result.body.data?.order.status === 'PAYMENT_AUTHORIZED';
      });

      // An admin ships it; the customer sees the tracking number and the captured payment.
      const admin = await t.adminToken();
      const shipped = await t.gql(
        SHIP,
        { input: { orderId: order.id, carrier: 'DHL', trackingNumber: 'JD014600006281' } },
        admin,
      );
      expect(shipped.body.data?.shipOrder.userErrors).toEqual([]);
      expect(shipped.body.data?.shipOrder.order.status).toBe('SHIPPED');

      const seen = await eventually(async () => {
        const result = await t.gql(ORDER, { id: order.id }, customer.token);
        const o = result.body.data?.order;
        return o?.paymentStatus === 'CAPTURED' ? o : undefined;
      });
      expect(seen.shipment).toEqual({ carrier: 'DHL', trackingNumber: 'JD014600006281' });
      expect(seen.customer).toEqual({ id: customer.id, email: customer.email });
      expect(seen.lines[0].variant.product.name).toBe(seen.lines[0].productName);
      expect(seen.history.map((h: { to: string }) => h.to)).toEqual([
        'PENDING_PAYMENT',
        'PAYMENT_AUTHORIZED',
        'SHIPPED',
      ]);
      expect(seen.payments[0].capturedAmount.amount).toBe(order.total.amount);

      // Another customer cannot see the order: it looks exactly like a missing one.
      const stranger = await t.newCustomer();
      const peek = await t.gql(ORDER, { id: order.id }, stranger.token);
      const missing = await t.gql(ORDER, { id: randomUUID() }, stranger.token);
      expect(peek.body).toEqual(missing.body);
      expect(peek.body.data?.order).toBeNull();
    });

    it('should cancel the order and give the stock back when the card is declined', async () => {
      const [variantId] = await pickVariants(t, 1);
      const stockBefore = (await t.gql(VARIANT_STOCK, { id: variantId })).body.data?.variant
        .stockOnHand as number;
      const customer = await t.newCustomer();
      const { cartId, total } = await cartWith(t, customer.token, variantId!, 3);
      const checkout = await t.gql(
        CHECKOUT,
        {
          input: {
            cartId,
            shippingAddress: ADDRESS,
            idempotencyKey: randomUUID(),
            expectedTotal: total,
          },
        },
        customer.token,
      );
      const orderId = checkout.body.data?.checkout.order.id as string;
      expect((await t.gql(VARIANT_STOCK, { id: variantId })).body.data?.variant.stockOnHand).toBe(
        stockBefore - 3,
      );

      const declined = await t.gql(
        PAY,
        { input: { orderId, card: DECLINED_CARD, idempotencyKey: randomUUID() } },
        customer.token,
      );
      expect(declined.body.data?.payOrder.payment.status).toBe('DECLINED');
      expect(declined.body.data?.payOrder.userErrors[0].code).toBe('CARD_DECLINED');

      await eventually(
        async () =>
          (await t.gql(ORDER, { id: orderId }, customer.token)).body.data?.order.status ===
          'CANCELLED',
      );
      await eventually(
        async () =>
          (await t.gql(VARIANT_STOCK, { id: variantId })).body.data?.variant.stockOnHand ===
          stockBefore,
      );
    });

    it('should sell exactly the 10 units in stock to 200 concurrent checkouts', async () => {
      const [variantId] = await pickVariants(t, 1);
      const admin = await t.adminToken();
      const set = await t.gql(SET_STOCK, { id: variantId, input: { stockOnHand: 10 } }, admin);
      expect(set.body.data?.updateVariant.variant.stockOnHand).toBe(10);

      const customers = await Promise.all(Array.from({ length: 200 }, () => t.newCustomer()));
      const carts = await Promise.all(customers.map((c) => cartWith(t, c.token, variantId!, 1)));

      const results = await Promise.all(
        customers.map((c, i) =>
          t.gql(
            CHECKOUT,
            {
              input: {
                cartId: carts[i]!.cartId,
                shippingAddress: ADDRESS,
                idempotencyKey: randomUUID(),
                expectedTotal: carts[i]!.total,
              },
            },
            c.token,
          ),
        ),
      );
      expect(results.every((r) => r.status === 200 && r.body.errors === undefined)).toBe(true);
      const orders = results.filter((r) => r.body.data?.checkout.order);
      const refused = results.filter(
        (r) => r.body.data?.checkout.userErrors[0]?.code === 'OUT_OF_STOCK',
      );
      expect(orders).toHaveLength(10);
      expect(refused).toHaveLength(190);
      expect(refused[0]!.body.data?.checkout.userErrors[0]).toMatchObject({
        variantId,
        requested: 1,
        available: 0,
      });
      expect((await t.gql(VARIANT_STOCK, { id: variantId })).body.data?.variant.stockOnHand).toBe(
        0,
      );
      const [ordered] = await t.graph.database.query<{ orders: number; units: number }>(
        `select count(distinct o.id)::int as orders, coalesce(sum(l.quantity), 0)::int as units
         from "order".orders o join "order".order_lines l on l.order_id = o.id
        where o.user_id::text = any($1::text[]) and l.variant_id::text = $2`,
        [customers.map((c) => c.id), variantId],
      );
      expect(ordered).toEqual({ orders: 10, units: 10 });
      const pending = await t.gql(ADMIN_ORDERS, { status: 'PENDING_PAYMENT' }, admin);
      const pendingIds = new Set(
        (pending.body.data?.orders.edges as Array<{ node: { id: string } }>).map((e) => e.node.id),
      );
      for (const r of orders) expect(pendingIds.has(r.body.data?.checkout.order.id)).toBe(true);
    });

    it('should run a checkout and a charge once for 100 concurrent replays of their keys', async () => {
      const [variantId, other] = await pickVariants(t, 2);
      const customer = await t.newCustomer();
      const { cartId, total } = await cartWith(t, customer.token, variantId!, 1);
      const key = randomUUID();
      const input = { cartId, shippingAddress: ADDRESS, idempotencyKey: key, expectedTotal: total };
      const replays = await Promise.all(
        Array.from({ length: 100 }, () => t.gql(CHECKOUT, { input }, customer.token)),
      );
      const bodies = new Set(replays.map((r) => JSON.stringify(r.body)));
      expect(bodies.size).toBe(1);
      const orderId = replays[0]!.body.data?.checkout.order.id as string;
      expect(orderId).toEqual(expect.any(String));

      // The same key with a different cart is refused.
      const { cartId: otherCustomerCart } = await cartWith(t, customer.token, other!, 1);
      const reused = await t.gql(
        CHECKOUT,
        {
          input: {
            cartId: otherCustomerCart,
            shippingAddress: { ...ADDRESS, city: 'Paris' },
            idempotencyKey: key,
            expectedTotal: input.expectedTotal,
          },
        },
        customer.token,
      );
      expect(reused.body.data?.checkout.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');

      const payKey = randomUUID();
      const payInput = { orderId, card: TEST_CARD, idempotencyKey: payKey };
      const charges = await Promise.all(
        Array.from({ length: 100 }, () => t.gql(PAY, { input: payInput }, customer.token)),
      );
      expect(new Set(charges.map((r) => JSON.stringify(r.body))).size).toBe(1);
      expect(charges[0]!.body.data?.payOrder.payment.status).toBe('AUTHORIZED');

      const [counts] = await t.graph.database.query<{
        orders: number;
        payments: number;
        authorizations: number;
      }>(
        `select (select count(*)::int from "order".orders where user_id = $1) as orders,
              (select count(*)::int from payment.payments where order_id = $2) as payments,
              (select count(*)::int from payment.transactions t join payment.payments p on p.id = t.payment_id
                where p.order_id = $2 and t.type = 'AUTHORIZATION') as authorizations`,
        [customer.id, orderId],
      );
      expect(counts).toEqual({ orders: 1, payments: 1, authorizations: 1 });
    });

    it('should keep internal service fields out of the public API', async () => {
      const result = await t.gql(
        `mutation { reserveStock(input: { orderId: "${randomUUID()}", lines: [] }) { ok } }`,
        {},
        await t.adminToken(),
      );
      expect(result.status).toBe(200); // application/json: 200 with `errors` (GraphQL over HTTP)
      expect(result.body.data).toBeUndefined();
      expect(result.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  },
);

describe.each(graphTargets())('unpaid order expiry through the gateway on %s', (target) => {
  let t: TestGraph;
  beforeAll(async () => {
    t = await startTestGraph(target, { paymentTtlSeconds: 1 });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should expire an unpaid order, give its stock back and refuse payment afterwards', async () => {
    const [variantId] = await pickVariants(t, 1);
    const stockBefore = (await t.gql(VARIANT_STOCK, { id: variantId })).body.data?.variant
      .stockOnHand as number;
    const customer = await t.newCustomer();
    const { cartId, total } = await cartWith(t, customer.token, variantId!, 2);
    const checkout = await t.gql(
      CHECKOUT,
      {
        input: {
          cartId,
          shippingAddress: ADDRESS,
          idempotencyKey: randomUUID(),
          expectedTotal: total,
        },
      },
      customer.token,
    );
    const orderId = checkout.body.data?.checkout.order.id as string;
    expect((await t.gql(VARIANT_STOCK, { id: variantId })).body.data?.variant.stockOnHand).toBe(
      stockBefore - 2,
    );

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await t.graph.expireOverdueOrders()).toBeGreaterThanOrEqual(1);
    const expired = await t.gql(ORDER, { id: orderId }, customer.token);
    expect(expired.body.data?.order.status).toBe('EXPIRED');
    await eventually(
      async () =>
        (await t.gql(VARIANT_STOCK, { id: variantId })).body.data?.variant.stockOnHand ===
        stockBefore,
    );

    const late = await t.gql(
      PAY,
      { input: { orderId, card: TEST_CARD, idempotencyKey: randomUUID() } },
      customer.token,
    );
    expect(late.body.data?.payOrder.userErrors[0].code).toBe('ORDER_NOT_PAYABLE');
  });
});
