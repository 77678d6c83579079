import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import { ADDRESS, CHECKOUT, customer, startHarness, type Harness } from './harness';

describe.each(testDatabaseTargets())('checkout on $name', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  const countOrders = async (userId: string) =>
    Number(
      (
        await h.database.query<{ n: string }>(
          `select count(*)::text as n from "order".orders where user_id = $1`,
          [userId],
        )
      )[0]!.n,
    );

  it('should place a PENDING_PAYMENT order with frozen totals, lines, history and order.created', async () => {
    const alice = customer();
    const mug = h.catalog.addVariant({
      price: 1250,
      stock: 5,
      sku: 'MUG-1',
      productName: 'Mug',
      variantName: 'Blue',
    });
    const tee = h.catalog.addVariant({
      price: 1999,
      stock: 3,
      productName: 'Tee',
      variantName: 'M',
    });
    // The cart shows an old price for the mug; the order uses the product's current price.
    const cart = h.catalog.addCart(alice.userId, [
      { variant: mug, quantity: 2, unitPrice: 1100 },
      { variant: tee, quantity: 1 },
    ]);
    const key = randomUUID();

    const payload = await h.checkout(alice, { cartId: cart.id, idempotencyKey: key });

    expect(payload.userErrors).toEqual([]);
    const order = payload.order;
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(order.number).toMatch(/^SG-\d{6}$/);
    expect(order.customer).toEqual({ id: alice.userId });
    expect(order.subtotal).toEqual({ amount: 2 * 1250 + 1999, currencyCode: 'USD' });
    expect(order.shippingTotal).toEqual({ amount: 0, currencyCode: 'USD' });
    expect(order.total).toEqual({ amount: 4499, currencyCode: 'USD' });
    expect(order.lines).toEqual([
      {
        variant: { id: mug.id },
        variantId: mug.id,
        productId: mug.productId,
        sku: 'MUG-1',
        productName: 'Mug',
        variantName: 'Blue',
        quantity: 2,
        unitPrice: { amount: 1250, currencyCode: 'USD' },
        lineTotal: { amount: 2500, currencyCode: 'USD' },
      },
      {
        variant: { id: tee.id },
        variantId: tee.id,
        productId: tee.productId,
        sku: tee.sku,
        productName: 'Tee',
        variantName: 'M',
        quantity: 1,
        unitPrice: { amount: 1999, currencyCode: 'USD' },
        lineTotal: { amount: 1999, currencyCode: 'USD' },
      },
    ]);
    expect(order.shippingAddress).toEqual(ADDRESS);
    expect(order.shipment).toBeNull();
    expect(order.history).toEqual([
      {
        from: null,
        to: 'PENDING_PAYMENT',
        reason: 'checkout',
        actorRole: 'CUSTOMER',
        at: expect.any(String),
      },
    ]);
    expect(order.nextStates).toEqual(['CANCELLED']);
    const ttl = Date.parse(order.expiresAt) - Date.parse(order.createdAt);
    expect(ttl).toBeGreaterThan(895_000);
    expect(ttl).toBeLessThan(905_000);

    // Stock is reserved in product, by the order service.
    expect(mug.stock).toBe(3);
    expect(tee.stock).toBe(2);
    expect(h.catalog.callers).toEqual(new Set(['service:order']));

    const events = await h.outbox(order.id);
    expect(events).toEqual([
      {
        type: 'order.created',
        sequence: 1,
        data: {
          orderId: order.id,
          number: order.number,
          userId: alice.userId,
          cartId: cart.id,
          cartVersion: 3,
          status: 'PENDING_PAYMENT',
          total: { amountMinor: 4499, currency: 'USD' },
          lines: [
            {
              variantId: mug.id,
              productId: mug.productId,
              sku: 'MUG-1',
              productName: 'Mug',
              quantity: 2,
              unitPrice: { amountMinor: 1250, currency: 'USD' },
            },
            {
              variantId: tee.id,
              productId: tee.productId,
              sku: tee.sku,
              productName: 'Tee',
              quantity: 1,
              unitPrice: { amountMinor: 1999, currency: 'USD' },
            },
          ],
        },
      },
    ]);
    // The relay publishes it to the bus.
    await expect
      .poll(async () =>
        (
          await h.database.query<{ type: string }>(
            `select envelope->>'type' as type from events.log where key = $1`,
            [order.id],
          )
        ).map((row) => row.type),
      )
      .toEqual(['order.created']);
  });

  it('should answer CART_NOT_FOUND for another user’s cart and write nothing', async () => {
    const alice = customer();
    const bob = customer();
    const variant = h.catalog.addVariant({ price: 500, stock: 5 });
    const bobsCart = h.catalog.addCart(bob.userId, [{ variant, quantity: 1 }]);

    const payload = await h.checkout(alice, { cartId: bobsCart.id });

    expect(payload.order).toBeNull();
    expect(payload.userErrors).toEqual([
      {
        code: 'CART_NOT_FOUND',
        message: 'Cart not found',
        field: ['cartId'],
        variantId: null,
        requested: null,
        available: null,
      },
    ]);
    expect(await countOrders(alice.userId)).toBe(0);
    expect(variant.stock).toBe(5);
  });

  it('should answer CART_EMPTY for a cart without lines', async () => {
    const alice = customer();
    const cart = h.catalog.addCart(alice.userId, []);
    const payload = await h.checkout(alice, { cartId: cart.id });
    expect(payload.order).toBeNull();
    expect(payload.userErrors.map((e) => e.code)).toEqual(['CART_EMPTY']);
    expect(await countOrders(alice.userId)).toBe(0);
  });

  it('should answer INVALID_ADDRESS without reading the cart or reserving', async () => {
    const alice = customer();
    const variant = h.catalog.addVariant({ price: 500, stock: 5 });
    const cart = h.catalog.addCart(alice.userId, [{ variant, quantity: 1 }]);
    const reservesBefore = h.catalog.reserveCalls.length;

    const lower = await h.checkout(alice, {
      cartId: cart.id,
      shippingAddress: { ...ADDRESS, countryCode: 'gb' },
    });
    const blank = await h.checkout(alice, {
      cartId: cart.id,
      shippingAddress: { ...ADDRESS, city: '   ' },
    });

    expect(lower.order).toBeNull();
    expect(lower.userErrors).toEqual([
      expect.objectContaining({
        code: 'INVALID_ADDRESS',
        field: ['shippingAddress', 'countryCode'],
      }),
    ]);
    expect(blank.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_ADDRESS', field: ['shippingAddress', 'city'] }),
    ]);
    expect(h.catalog.reserveCalls.length).toBe(reservesBefore);
    expect(await countOrders(alice.userId)).toBe(0);
  });

  it('should answer OUT_OF_STOCK with the variant, requested and available, writing nothing', async () => {
    const alice = customer();
    const plenty = h.catalog.addVariant({ price: 100, stock: 50 });
    const scarce = h.catalog.addVariant({ price: 200, stock: 1 });
    const cart = h.catalog.addCart(alice.userId, [
      { variant: plenty, quantity: 2 },
      { variant: scarce, quantity: 3 },
    ]);

    const payload = await h.checkout(alice, { cartId: cart.id });

    expect(payload.order).toBeNull();
    expect(payload.userErrors).toEqual([
      {
        code: 'OUT_OF_STOCK',
        message: 'Not enough stock for this item',
        field: ['cartId'],
        variantId: scarce.id,
        requested: 3,
        available: 1,
      },
    ]);
    expect(plenty.stock).toBe(50);
    expect(scarce.stock).toBe(1);
    expect(await countOrders(alice.userId)).toBe(0);
    const outbox = await h.database.query(
      `select 1 from "order".outbox where envelope->'data'->>'userId' = $1`,
      [alice.userId],
    );
    expect(outbox).toEqual([]);
  });

  it('should run 20 concurrent checkouts with one key once and answer them identically', async () => {
    const alice = customer();
    const variant = h.catalog.addVariant({ price: 999, stock: 100 });
    const cart = h.catalog.addCart(alice.userId, [{ variant, quantity: 4 }]);
    const key = randomUUID();
    const reservesBefore = h.catalog.reserveCalls.length;

    const payloads = await Promise.all(
      Array.from({ length: 20 }, () => h.checkout(alice, { cartId: cart.id, idempotencyKey: key })),
    );

    const first = payloads[0]!;
    expect(first.userErrors).toEqual([]);
    expect(first.order.total).toEqual({ amount: 3996, currencyCode: 'USD' });
    for (const payload of payloads) expect(payload).toEqual(first);
    expect(await countOrders(alice.userId)).toBe(1);
    expect(h.catalog.reserveCalls.length - reservesBefore).toBe(1);
    expect(variant.stock).toBe(96);

    // A later replay returns the same order too.
    const replay = await h.checkout(alice, { cartId: cart.id, idempotencyKey: key });
    expect(replay.order.id).toBe(first.order.id);
  });

  it('should answer IDEMPOTENCY_KEY_REUSED for the same key with a different cart', async () => {
    const alice = customer();
    const variant = h.catalog.addVariant({ price: 300, stock: 10 });
    const cartA = h.catalog.addCart(alice.userId, [{ variant, quantity: 1 }]);
    const cartB = h.catalog.addCart(alice.userId, [{ variant, quantity: 2 }]);
    const key = randomUUID();

    const first = await h.checkout(alice, { cartId: cartA.id, idempotencyKey: key });
    const second = await h.checkout(alice, { cartId: cartB.id, idempotencyKey: key });

    expect(first.order.status).toBe('PENDING_PAYMENT');
    expect(second.order).toBeNull();
    expect(second.userErrors).toEqual([
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['idempotencyKey'] }),
    ]);
    expect(await countOrders(alice.userId)).toBe(1);
    // Keys are scoped per user: another user may use the same key.
    const bob = customer();
    const bobsCart = h.catalog.addCart(bob.userId, [{ variant, quantity: 1 }]);
    const bobs = await h.checkout(bob, { cartId: bobsCart.id, idempotencyKey: key });
    expect(bobs.userErrors).toEqual([]);
  });

  it('should release the stock and store nothing when the order transaction fails', async () => {
    const alice = customer();
    // A negative price violates the orders' check constraints inside the transaction.
    const broken = h.catalog.addVariant({ price: -5, stock: 4 });
    const cart = h.catalog.addCart(alice.userId, [{ variant: broken, quantity: 1 }]);
    const key = randomUUID();

    const result = await h.call(alice, CHECKOUT, {
      input: {
        cartId: cart.id,
        idempotencyKey: key,
        shippingAddress: ADDRESS,
        expectedTotal: { amount: -5, currencyCode: 'USD' },
      },
    });

    expect(result.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const orderId = h.catalog.reserveCalls.at(-1)!;
    expect(h.catalog.releaseCalls).toContain(orderId);
    expect(broken.stock).toBe(4);
    expect(await countOrders(alice.userId)).toBe(0);
    expect(await h.outbox(orderId)).toEqual([]);
    // The key was released: a retry runs again (and fails again) instead of replaying.
    const keys = await h.database.query(`select 1 from "order".idempotency_keys where scope = $1`, [
      alice.userId,
    ]);
    expect(keys).toEqual([]);
  });

  it('should refuse anonymous checkout', async () => {
    const result = await h.call(null, CHECKOUT, {
      input: {
        cartId: randomUUID(),
        idempotencyKey: 'k',
        shippingAddress: ADDRESS,
        expectedTotal: { amount: 100, currencyCode: 'USD' },
      },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
