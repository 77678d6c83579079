import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ORDER_TOTAL_MINOR, MAX_UNIT_PRICE_MINOR } from '@shop/subgraph';
import { startTestGraph, type TestGraph } from '../../e2e/harness';
import { ADD_LINES, ADDRESS, PAY, TEST_CARD } from '../../e2e/operations';
import { databaseTarget, HIGH_REQUEST_LIMITS } from '../attacks/support';

/**
 * Money under abuse (issue 15, findings 1, 2 and the money items of 7), through the gateway:
 * one cart gives at most one order whatever the idempotency keys and however the checkouts are
 * sent (separate HTTP requests, aliases in one document); the customer confirms the total that is
 * charged (PRICE_CHANGED with the new breakdown, never a silent repricing); money is bounded and
 * currencies are ISO 4217 codes (typed errors, never INTERNAL_SERVER_ERROR).
 */

type Money = { amount: number; currencyCode: string };

const USER_ERROR_FIELDS = `code message field variantId requested available orderId
  breakdown {
    lines {
      variantId quantity unitPrice { amount currencyCode }
      previousUnitPrice { amount currencyCode } lineTotal { amount currencyCode }
    }
    total { amount currencyCode }
  }`;

const CHECKOUT = `mutation Checkout($input: CheckoutInput!) {
  checkout(input: $input) {
    order { id status total { amount currencyCode } lines { variantId quantity } }
    userErrors { ${USER_ERROR_FIELDS} }
  }
}`;

const UPDATE_VARIANT = `mutation UpdateVariant($id: ID!, $input: UpdateVariantInput!) {
  updateVariant(id: $id, input: $input) {
    variant { id stockOnHand price { amount currencyCode } }
    userErrors { code message field }
  }
}`;

interface CheckoutPayload {
  order: {
    id: string;
    status: string;
    total: Money;
    lines: Array<{ variantId: string; quantity: number }>;
  } | null;
  userErrors: Array<{
    code: string;
    field: string[] | null;
    variantId: string | null;
    orderId: string | null;
    breakdown: {
      lines: Array<{
        variantId: string;
        quantity: number;
        unitPrice: Money;
        previousUnitPrice: Money | null;
        lineTotal: Money;
      }>;
      total: Money;
    } | null;
  }>;
}

const { target } = databaseTarget();

describe(`money through the gateway on ${target}`, () => {
  let t: TestGraph;
  let admin: string;
  let variantPool: string[];

  beforeAll(async () => {
    t = await startTestGraph(target, { requestLimits: HIGH_REQUEST_LIMITS });
    admin = await t.adminToken();
    variantPool = (
      await t.graph.database.query<{ id: string }>(
        `select v.id from product.variants v join product.products p on p.id = v.product_id
          where p.status = 'PUBLISHED' and v.stock_on_hand >= 20 and v.currency = 'USD'
          order by v.id`,
      )
    ).map((row) => row.id);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  /** A published USD variant no other test uses, with `stock` units and (optionally) a price. */
  const freshVariant = async (stock: number, price?: number): Promise<string> => {
    const id = variantPool.shift();
    if (!id) throw new Error('no seeded variant left');
    const input = {
      stockOnHand: stock,
      ...(price ? { price: { amount: price, currencyCode: 'USD' } } : {}),
    };
    const updated = await t.gql(UPDATE_VARIANT, { id, input }, admin);
    expect(updated.body.data?.updateVariant.userErrors).toEqual([]);
    return id;
  };
  const stockOf = async (variantId: string) =>
    (
      await t.graph.database.query<{ stock: number }>(
        'select stock_on_hand as stock from product.variants where id = $1',
        [variantId],
      )
    )[0]!.stock;
  const ordersOfCart = async (cartId: string) =>
    (
      await t.graph.database.query<{ id: string }>(
        'select id from "order".orders where cart_id = $1',
        [cartId],
      )
    ).map((row) => row.id);
  const addLines = async (token: string, lines: Array<{ variantId: string; quantity: number }>) => {
    const added = await t.gql(ADD_LINES, { input: { lines } }, token);
    expect(added.body.errors).toBeUndefined();
    expect(added.body.data?.addCartLines.userErrors).toEqual([]);
    return added.body.data?.addCartLines.cart as {
      id: string;
      subtotal: Money;
      lines: Array<{ variantId: string; quantity: number }>;
    };
  };
  const checkout = async (
    token: string,
    cartId: string,
    expectedTotal: Money,
    key = randomUUID(),
  ) => {
    const result = await t.gql<{ checkout: CheckoutPayload }>(
      CHECKOUT,
      { input: { cartId, shippingAddress: ADDRESS, idempotencyKey: key, expectedTotal } },
      token,
    );
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    return result.body.data!.checkout;
  };

  /** Exactly one payload placed the order; every other one names it as CART_ALREADY_CHECKED_OUT. */
  const expectOneOrder = (payloads: CheckoutPayload[]): string => {
    const placed = payloads.filter((payload) => payload.order);
    expect(placed).toHaveLength(1);
    const orderId = placed[0]!.order!.id;
    for (const payload of payloads.filter((p) => !p.order)) {
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ code: 'CART_ALREADY_CHECKED_OUT', orderId, field: ['cartId'] }),
      ]);
    }
    return orderId;
  };

  it.each([2, 5])(
    'M1: %i concurrent checkouts of one cart with different keys (separate HTTP requests) → one order, the others CART_ALREADY_CHECKED_OUT naming it, stock down once, one payment',
    async (concurrency) => {
      const customer = await t.newCustomer();
      const variantId = await freshVariant(85);
      const cart = await addLines(customer.token, [{ variantId, quantity: 3 }]);

      const payloads = await Promise.all(
        Array.from({ length: concurrency }, () => checkout(customer.token, cart.id, cart.subtotal)),
      );

      const orderId = expectOneOrder(payloads);
      expect(await ordersOfCart(cart.id)).toEqual([orderId]);
      expect(await stockOf(variantId)).toBe(82);
      // The order is paid once; there is no second order of this cart to pay.
      const paid = await t.gql(
        PAY,
        { input: { orderId, card: TEST_CARD, idempotencyKey: randomUUID() } },
        customer.token,
      );
      expect(paid.body.data?.payOrder.userErrors).toEqual([]);
      expect(paid.body.data?.payOrder.payment.amount).toEqual(cart.subtotal);
      const payments = await t.graph.database.query<{ order_id: string }>(
        'select order_id from payment.payments where user_id = $1',
        [customer.id],
      );
      expect(payments.map((row) => row.order_id)).toEqual([orderId]);
      // A later attempt with yet another key is refused the same way.
      const later = await checkout(customer.token, cart.id, cart.subtotal);
      expect(later.userErrors[0]).toMatchObject({ code: 'CART_ALREADY_CHECKED_OUT', orderId });
    },
  );

  it('M1: three aliased checkouts of one cart in one document (fragments, a variable default) → one order, two CART_ALREADY_CHECKED_OUT naming it', async () => {
    const customer = await t.newCustomer();
    const variantId = await freshVariant(40);
    const cart = await addLines(customer.token, [{ variantId, quantity: 2 }]);
    const total = `{ amount: ${cart.subtotal.amount}, currencyCode: "${cart.subtotal.currencyCode}" }`;
    const document = `mutation Triple($cartId: ID!, $address: ShippingAddressInput!, $total: MoneyInput! = ${total}) {
      a: checkout(input: { cartId: $cartId, shippingAddress: $address, idempotencyKey: "${randomUUID()}", expectedTotal: $total }) { ...Result }
      b: checkout(input: { cartId: $cartId, shippingAddress: $address, idempotencyKey: "${randomUUID()}", expectedTotal: $total }) { ...Result }
      c: checkout(input: { cartId: $cartId, shippingAddress: $address, idempotencyKey: "${randomUUID()}", expectedTotal: ${total} }) { ...Result }
    }
    fragment Result on CheckoutPayload {
      order { id status total { amount currencyCode } lines { variantId quantity } }
      userErrors { ${USER_ERROR_FIELDS} }
    }`;
    const result = await t.gql<Record<'a' | 'b' | 'c', CheckoutPayload>>(
      document,
      { cartId: cart.id, address: ADDRESS },
      customer.token,
    );
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    const { a, b, c } = result.body.data!;
    const orderId = expectOneOrder([a, b, c]);
    expect(await ordersOfCart(cart.id)).toEqual([orderId]);
    expect(await stockOf(variantId)).toBe(38);
  });

  it('M2: lines added after the checkout claimed the cart land in a new cart, and no unit is lost or ordered twice', async () => {
    const customer = await t.newCustomer();
    const [first, second] = [await freshVariant(50), await freshVariant(50)];
    const cart = await addLines(customer.token, [{ variantId: first, quantity: 2 }]);

    const placed = await checkout(customer.token, cart.id, cart.subtotal);
    expect(placed.userErrors).toEqual([]);
    // Straight after the answer (before `order.created` reaches the cart subgraph).
    const next = await addLines(customer.token, [{ variantId: second, quantity: 1 }]);
    expect(next.id).not.toBe(cart.id);
    expect(next.lines).toEqual([expect.objectContaining({ variantId: second, quantity: 1 })]);
    expect(placed.order!.lines).toEqual([{ variantId: first, quantity: 2 }]);

    // Racing a checkout: every added unit ends up in the order or in the next cart, once.
    const racer = await t.newCustomer();
    const racing = await addLines(racer.token, [{ variantId: first, quantity: 1 }]);
    const [raced, added] = await Promise.all([
      checkout(racer.token, racing.id, racing.subtotal),
      t.gql(ADD_LINES, { input: { lines: [{ variantId: second, quantity: 2 }] } }, racer.token),
    ]);
    expect(added.body.errors).toBeUndefined();
    const quantities = (lines: Array<{ variantId: string; quantity: number }> | undefined) =>
      Object.fromEntries((lines ?? []).map((line) => [line.variantId, line.quantity]));
    const me = await t.gql(
      `query { me { cart { id lines { variantId quantity } } } }`,
      {},
      racer.token,
    );
    const inCart = quantities(me.body.data?.me.cart?.lines);
    if (raced.order) {
      // The claim came first: the order has the confirmed cart, the add went to a new cart.
      expect(quantities(raced.order.lines)).toEqual({ [first]: 1 });
      expect(me.body.data?.me.cart?.id).not.toBe(racing.id);
      expect(inCart).toEqual({ [second]: 2 });
    } else {
      // The add came first: the total changed, so nothing was ordered and the cart is back.
      expect(raced.userErrors[0]?.code).toBe('PRICE_CHANGED');
      expect(me.body.data?.me.cart?.id).toBe(racing.id);
      expect(inCart).toEqual({ [first]: 1, [second]: 2 });
    }
    expect(await ordersOfCart(racing.id)).toHaveLength(raced.order ? 1 : 0);
  });

  it('M2: an admin price ×10 after the add → PRICE_CHANGED with the breakdown and nothing reserved; confirming the new total places the order and the payment is that total', async () => {
    const customer = await t.newCustomer();
    const variantId = await freshVariant(30, 11_990);
    const cart = await addLines(customer.token, [{ variantId, quantity: 1 }]);
    expect(cart.subtotal).toEqual({ amount: 11_990, currencyCode: 'USD' });
    const raised = await t.gql(
      UPDATE_VARIANT,
      { id: variantId, input: { price: { amount: 119_900, currencyCode: 'USD' } } },
      admin,
    );
    expect(raised.body.data?.updateVariant.userErrors).toEqual([]);

    const refused = await checkout(customer.token, cart.id, cart.subtotal);

    expect(refused.order).toBeNull();
    expect(refused.userErrors).toEqual([
      expect.objectContaining({
        code: 'PRICE_CHANGED',
        field: ['expectedTotal'],
        orderId: null,
        breakdown: {
          lines: [
            {
              variantId,
              quantity: 1,
              unitPrice: { amount: 119_900, currencyCode: 'USD' },
              previousUnitPrice: { amount: 11_990, currencyCode: 'USD' },
              lineTotal: { amount: 119_900, currencyCode: 'USD' },
            },
          ],
          total: { amount: 119_900, currencyCode: 'USD' },
        },
      }),
    ]);
    expect(await ordersOfCart(cart.id)).toEqual([]);
    expect(await stockOf(variantId)).toBe(30);

    // The customer re-confirms the new total with a new idempotency key.
    const confirmed = refused.userErrors[0]!.breakdown!.total;
    const placed = await checkout(customer.token, cart.id, confirmed);
    expect(placed.userErrors).toEqual([]);
    expect(placed.order!.total).toEqual(confirmed);
    expect(await stockOf(variantId)).toBe(29);
    const paid = await t.gql(
      PAY,
      { input: { orderId: placed.order!.id, card: TEST_CARD, idempotencyKey: randomUUID() } },
      customer.token,
    );
    expect(paid.body.data?.payOrder.userErrors).toEqual([]);
    expect(paid.body.data?.payOrder.payment.amount).toEqual(confirmed);
  });

  it('M7: a unit price of 2^53−1 → typed INVALID_PRICE; totals above the maximum and a legacy 2^53−1 row × 2 → AMOUNT_TOO_LARGE, never INTERNAL_SERVER_ERROR', async () => {
    const variantId = await freshVariant(200);
    const huge = await t.gql(
      UPDATE_VARIANT,
      { id: variantId, input: { price: { amount: Number.MAX_SAFE_INTEGER, currencyCode: 'USD' } } },
      admin,
    );
    expect(huge.body.errors).toBeUndefined();
    expect(huge.body.data?.updateVariant).toEqual({
      variant: null,
      userErrors: [
        expect.objectContaining({ code: 'INVALID_PRICE', field: ['input', 'price', 'amount'] }),
      ],
    });

    // Two lines of 99 units at the largest unit price: the total is above the maximum.
    const other = await freshVariant(200, MAX_UNIT_PRICE_MINOR);
    const atMax = await t.gql(
      UPDATE_VARIANT,
      { id: variantId, input: { price: { amount: MAX_UNIT_PRICE_MINOR, currencyCode: 'USD' } } },
      admin,
    );
    expect(atMax.body.data?.updateVariant.userErrors).toEqual([]);
    const customer = await t.newCustomer();
    const cart = await addLines(customer.token, [
      { variantId, quantity: 99 },
      { variantId: other, quantity: 99 },
    ]);
    expect(cart.subtotal.amount).toBeGreaterThan(MAX_ORDER_TOTAL_MINOR);
    const over = await checkout(customer.token, cart.id, cart.subtotal);
    expect(over.order).toBeNull();
    expect(over.userErrors).toEqual([expect.objectContaining({ code: 'AMOUNT_TOO_LARGE' })]);
    expect([await stockOf(variantId), await stockOf(other)]).toEqual([200, 200]);

    // A row priced 2^53−1 before the bound existed (written straight to the database), × 2.
    const legacy = await freshVariant(20);
    const buyer = await t.newCustomer();
    const legacyCart = await addLines(buyer.token, [{ variantId: legacy, quantity: 2 }]);
    await t.graph.database.query('update product.variants set price_amount = $2 where id = $1', [
      legacy,
      Number.MAX_SAFE_INTEGER,
    ]);
    const refused = await checkout(buyer.token, legacyCart.id, legacyCart.subtotal);
    expect(refused.userErrors).toEqual([
      expect.objectContaining({ code: 'AMOUNT_TOO_LARGE', variantId: legacy }),
    ]);
    expect(await stockOf(legacy)).toBe(20);
    expect(await ordersOfCart(legacyCart.id)).toEqual([]);
  });

  it('M7: currencies outside ISO 4217 ("XYZ", "usd", "") → typed INVALID_CURRENCY for admin prices and for the confirmed total', async () => {
    const variantId = await freshVariant(20);
    const customer = await t.newCustomer();
    const cart = await addLines(customer.token, [{ variantId, quantity: 1 }]);
    for (const currencyCode of ['XYZ', 'usd', '']) {
      const price = await t.gql(
        UPDATE_VARIANT,
        { id: variantId, input: { price: { amount: 500, currencyCode } } },
        admin,
      );
      expect(price.body.errors).toBeUndefined();
      expect(price.body.data?.updateVariant.userErrors).toEqual([
        expect.objectContaining({
          code: 'INVALID_CURRENCY',
          field: ['input', 'price', 'currencyCode'],
        }),
      ]);
      const refused = await checkout(customer.token, cart.id, {
        amount: cart.subtotal.amount,
        currencyCode,
      });
      expect(refused.userErrors).toEqual([
        expect.objectContaining({
          code: 'INVALID_CURRENCY',
          field: ['expectedTotal', 'currencyCode'],
        }),
      ]);
    }
    // Nothing was claimed or reserved: the cart still checks out with its real total.
    expect(await stockOf(variantId)).toBe(20);
    const placed = await checkout(customer.token, cart.id, cart.subtotal);
    expect(placed.userErrors).toEqual([]);
  });
});
