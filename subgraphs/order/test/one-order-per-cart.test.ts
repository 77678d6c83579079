import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ORDER_TOTAL_MINOR, MAX_UNIT_PRICE_MINOR } from '@shop/subgraph';
import { testDatabaseTargets } from '@shop/testing';
import { ADDRESS, CHECKOUT_DETAILED, customer, startHarness, type Harness } from './harness';

/**
 * Issue 15 in the order subgraph: one cart gives at most one order whatever the idempotency
 * keys (the cart claim, and the unique `orders.cart_id` backstop when a claim was taken over),
 * and the customer confirms the total that is charged (PRICE_CHANGED, AMOUNT_TOO_LARGE).
 */
describe.each(testDatabaseTargets())('one order per cart, confirmed totals on $name', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  const ordersOfCart = async (cartId: string) =>
    (
      await h.database.query<{ id: string; total: string }>(
        `select id, total_amount::text as total from "order".orders where cart_id = $1`,
        [cartId],
      )
    ).map((row) => ({ id: row.id, total: Number(row.total) }));

  const detailed = (
    identity: ReturnType<typeof customer>,
    input: Parameters<Harness['checkout']>[1],
  ) => h.checkout(identity, input, CHECKOUT_DETAILED);

  it('should place one order for 5 concurrent checkouts of a cart with different keys and name it to the others', async () => {
    const alice = customer();
    const variant = h.catalog.addVariant({ price: 1000, stock: 85 });
    const cart = h.catalog.addCart(alice.userId, [{ variant, quantity: 3 }]);

    const payloads = await Promise.all(
      Array.from({ length: 5 }, () => detailed(alice, { cartId: cart.id })),
    );

    const placed = payloads.filter((payload) => payload.order);
    expect(placed).toHaveLength(1);
    const orderId = placed[0]!.order.id as string;
    const refused = payloads.filter((payload) => !payload.order);
    expect(refused).toHaveLength(4);
    for (const payload of refused) {
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ code: 'CART_ALREADY_CHECKED_OUT', orderId, field: ['cartId'] }),
      ]);
    }
    expect(await ordersOfCart(cart.id)).toEqual([{ id: orderId, total: 3000 }]);
    expect(variant.stock).toBe(82);
    // A later checkout with yet another key is refused the same way.
    const later = await detailed(alice, { cartId: cart.id });
    expect(later.userErrors[0]).toMatchObject({ code: 'CART_ALREADY_CHECKED_OUT', orderId });
  });

  it('should name no order that is never placed: concurrent checkouts of a repriced cart all get PRICE_CHANGED', async () => {
    const alice = customer();
    const mug = h.catalog.addVariant({ price: 11_990, stock: 10 });
    const cart = h.catalog.addCart(alice.userId, [{ variant: mug, quantity: 1, unitPrice: 1_199 }]);
    const shown = { amount: 1_199, currencyCode: 'USD' };

    const payloads = await Promise.all(
      Array.from({ length: 3 }, () => detailed(alice, { cartId: cart.id, expectedTotal: shown })),
    );

    // Each waited for the checkout holding the claim to settle, then took the cart itself.
    for (const payload of payloads) {
      expect(payload.order).toBeNull();
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ code: 'PRICE_CHANGED', orderId: null }),
      ]);
    }
    expect(await ordersOfCart(cart.id)).toEqual([]);
    expect(mug.stock).toBe(10);
  });

  it('should keep one order per cart in the database even when every claim is granted (taken-over claims), releasing the losers’ stock', async () => {
    const alice = customer();
    const variant = h.catalog.addVariant({ price: 700, stock: 40 });
    const cart = h.catalog.addCart(alice.userId, [{ variant, quantity: 2 }]);
    h.catalog.grantEveryClaim = true;
    try {
      const payloads = await Promise.all(
        Array.from({ length: 4 }, () => detailed(alice, { cartId: cart.id })),
      );
      const placed = payloads.filter((payload) => payload.order);
      expect(placed).toHaveLength(1);
      const orderId = placed[0]!.order.id as string;
      for (const payload of payloads.filter((p) => !p.order)) {
        expect(payload.userErrors).toEqual([
          expect.objectContaining({ code: 'CART_ALREADY_CHECKED_OUT', orderId }),
        ]);
      }
      expect(await ordersOfCart(cart.id)).toHaveLength(1);
      // Every losing reservation was released: stock went down once.
      expect(variant.stock).toBe(38);
      // The index itself refuses a second order row for the cart, whatever wrote it.
      await expect(
        h.database.query(
          `insert into "order".orders (id, seq, number, user_id, cart_id, status, currency_code,
             subtotal_amount, shipping_amount, total_amount, shipping_address, expires_at)
           select gen_random_uuid(), seq + 1000000, number || '-2', user_id, cart_id, status,
             currency_code, subtotal_amount, shipping_amount, total_amount, shipping_address,
             expires_at
           from "order".orders where id = $1`,
          [orderId],
        ),
      ).rejects.toMatchObject({ code: '23505' });
    } finally {
      h.catalog.grantEveryClaim = false;
    }
  });

  it('should refuse a changed price with PRICE_CHANGED and the breakdown, reserving nothing, then place the re-confirmed total', async () => {
    const alice = customer();
    const mug = h.catalog.addVariant({ price: 11_990, stock: 10 });
    const tee = h.catalog.addVariant({ price: 2_000, stock: 10 });
    // The customer saw the cart's snapshot prices; the mug now costs ten times as much.
    const cart = h.catalog.addCart(alice.userId, [
      { variant: mug, quantity: 1, unitPrice: 1_199 },
      { variant: tee, quantity: 2 },
    ]);
    const shown = { amount: 1_199 + 4_000, currencyCode: 'USD' };

    const refused = await detailed(alice, { cartId: cart.id, expectedTotal: shown });

    expect(refused.order).toBeNull();
    expect(refused.userErrors).toHaveLength(1);
    expect(refused.userErrors[0]).toMatchObject({
      code: 'PRICE_CHANGED',
      field: ['expectedTotal'],
      orderId: null,
      breakdown: {
        lines: [
          {
            variantId: mug.id,
            quantity: 1,
            unitPrice: { amount: 11_990, currencyCode: 'USD' },
            previousUnitPrice: { amount: 1_199, currencyCode: 'USD' },
            lineTotal: { amount: 11_990, currencyCode: 'USD' },
          },
          {
            variantId: tee.id,
            quantity: 2,
            unitPrice: { amount: 2_000, currencyCode: 'USD' },
            previousUnitPrice: { amount: 2_000, currencyCode: 'USD' },
            lineTotal: { amount: 4_000, currencyCode: 'USD' },
          },
        ],
        total: { amount: 15_990, currencyCode: 'USD' },
      },
    });
    expect(await ordersOfCart(cart.id)).toEqual([]);
    expect([mug.stock, tee.stock]).toEqual([10, 10]);
    // The claim was given back, so the same cart can be checked out again.
    expect(h.catalog.carts.get(cart.id)!.claimedBy).toBeNull();

    // Another currency is a changed total too.
    const euros = await detailed(alice, {
      cartId: cart.id,
      expectedTotal: { amount: 15_990, currencyCode: 'EUR' },
    });
    expect(euros.userErrors[0]).toMatchObject({ code: 'PRICE_CHANGED' });

    const confirmed = refused.userErrors[0].breakdown.total;
    const placed = await detailed(alice, { cartId: cart.id, expectedTotal: confirmed });
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.total).toEqual(confirmed);
    expect(await ordersOfCart(cart.id)).toEqual([{ id: placed.order.id, total: 15_990 }]);
    expect([mug.stock, tee.stock]).toEqual([9, 8]);
  });

  it('should treat the same key with another expectedTotal as IDEMPOTENCY_KEY_REUSED', async () => {
    const alice = customer();
    const variant = h.catalog.addVariant({ price: 500, stock: 10 });
    const cart = h.catalog.addCart(alice.userId, [{ variant, quantity: 1 }]);
    const key = randomUUID();
    const first = await detailed(alice, {
      cartId: cart.id,
      idempotencyKey: key,
      expectedTotal: { amount: 400, currencyCode: 'USD' },
    });
    expect(first.userErrors[0].code).toBe('PRICE_CHANGED');
    const sameKey = await detailed(alice, {
      cartId: cart.id,
      idempotencyKey: key,
      expectedTotal: { amount: 500, currencyCode: 'USD' },
    });
    expect(sameKey.userErrors[0]).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const newKey = await detailed(alice, {
      cartId: cart.id,
      expectedTotal: { amount: 500, currencyCode: 'USD' },
    });
    expect(newKey.order.total).toEqual({ amount: 500, currencyCode: 'USD' });
  });

  it('should answer AMOUNT_TOO_LARGE (never an internal error) for a unit price of 2^53−1 and for a total above the maximum, releasing stock and claim', async () => {
    const alice = customer();
    const huge = h.catalog.addVariant({ price: Number.MAX_SAFE_INTEGER, stock: 10 });
    const hugeCart = h.catalog.addCart(alice.userId, [{ variant: huge, quantity: 2 }]);
    const tooLarge = await detailed(alice, {
      cartId: hugeCart.id,
      expectedTotal: { amount: Number.MAX_SAFE_INTEGER, currencyCode: 'USD' },
    });
    expect(tooLarge.order).toBeNull();
    expect(tooLarge.userErrors).toEqual([
      expect.objectContaining({ code: 'AMOUNT_TOO_LARGE', variantId: huge.id, breakdown: null }),
    ]);
    expect(huge.stock).toBe(10);
    expect(h.catalog.carts.get(hugeCart.id)!.claimedBy).toBeNull();

    const a = h.catalog.addVariant({ price: MAX_UNIT_PRICE_MINOR, stock: 200 });
    const b = h.catalog.addVariant({ price: MAX_UNIT_PRICE_MINOR, stock: 200 });
    const bigCart = h.catalog.addCart(alice.userId, [
      { variant: a, quantity: 99 },
      { variant: b, quantity: 99 },
    ]);
    const total = h.catalog.currentTotal(bigCart.id);
    expect(total.amount).toBeGreaterThan(MAX_ORDER_TOTAL_MINOR);
    const over = await detailed(alice, { cartId: bigCart.id, expectedTotal: total });
    expect(over.userErrors).toEqual([expect.objectContaining({ code: 'AMOUNT_TOO_LARGE' })]);
    expect([a.stock, b.stock]).toEqual([200, 200]);
    expect(await ordersOfCart(bigCart.id)).toEqual([]);
  });

  it('should refuse an expectedTotal currency that is not an active ISO 4217 code before claiming anything', async () => {
    const alice = customer();
    const variant = h.catalog.addVariant({ price: 500, stock: 10 });
    const cart = h.catalog.addCart(alice.userId, [{ variant, quantity: 1 }]);
    const reservesBefore = h.catalog.reserveCalls.length;
    for (const currencyCode of ['XYZ', 'usd', '', 'US', 'XXX']) {
      const payload = await detailed(alice, {
        cartId: cart.id,
        expectedTotal: { amount: 500, currencyCode },
      });
      expect(payload.order).toBeNull();
      expect(payload.userErrors).toEqual([
        expect.objectContaining({
          code: 'INVALID_CURRENCY',
          field: ['expectedTotal', 'currencyCode'],
        }),
      ]);
    }
    expect(h.catalog.reserveCalls.length).toBe(reservesBefore);
    expect(h.catalog.carts.get(cart.id)!.claimedBy).toBeNull();
  });

  it('should give the claim back when the claim call fails after the cart took it', async () => {
    const alice = customer();
    const variant = h.catalog.addVariant({ price: 300, stock: 5 });
    const cart = h.catalog.addCart(alice.userId, [{ variant, quantity: 1 }]);
    h.catalog.failAfterClaim = true;
    try {
      const failed = await h.call(alice, CHECKOUT_DETAILED, {
        input: {
          cartId: cart.id,
          idempotencyKey: randomUUID(),
          shippingAddress: ADDRESS,
          expectedTotal: h.catalog.currentTotal(cart.id),
        },
      });
      expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(failed.errors)).not.toContain('connection reset');
    } finally {
      h.catalog.failAfterClaim = false;
    }
    expect(h.catalog.carts.get(cart.id)!.claimedBy).toBeNull();
    expect(variant.stock).toBe(5);
    const placed = await detailed(alice, { cartId: cart.id });
    expect(placed.order.status).toBe('PENDING_PAYMENT');
  });

  it('should give the claim back when stock is short, so the cart can be ordered later', async () => {
    const alice = customer();
    const variant = h.catalog.addVariant({ price: 300, stock: 1 });
    const cart = h.catalog.addCart(alice.userId, [{ variant, quantity: 2 }]);
    const short = await detailed(alice, { cartId: cart.id });
    expect(short.userErrors[0]).toMatchObject({ code: 'OUT_OF_STOCK', requested: 2, available: 1 });
    expect(h.catalog.carts.get(cart.id)!.claimedBy).toBeNull();
    variant.stock = 5;
    const placed = await detailed(alice, { cartId: cart.id });
    expect(placed.order.status).toBe('PENDING_PAYMENT');
    expect(variant.stock).toBe(3);
  });
});
