import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createEnvelope, TOPICS } from '@shop/events';
import { testDatabaseTargets } from '@shop/testing';
import { ADD, customer, eventually, outboxOf, startHarness, type Harness } from './harness';
import type { StubVariant } from './product-stub';

describe.each(testDatabaseTargets())('cart events on $name', (target) => {
  let h: Harness;
  let mug: StubVariant;

  beforeAll(async () => {
    h = await startHarness(target);
    mug = h.product.add({ sku: 'MUG' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('should write outbox rows with the change, relay them, and none on failure', async () => {
    const guest = await h.mutate(null, ADD, { lines: [{ variantId: mug.id, quantity: 1 }] });
    const cartId = guest.cart!.id;
    const rows = await outboxOf(h.database, cartId);
    expect(rows.map((row) => row.type)).toEqual(['cart.created', 'cart.line_added']);
    expect(rows[0]?.envelope).toMatchObject({
      type: 'cart.created',
      source: 'cart',
      topic: TOPICS.cart,
      subject: cartId,
      sequence: 1,
      actor: { anonymousId: cartId },
      data: { cartId, userId: null, version: 1, currencyCode: 'USD' },
    });

    const failed = await h.mutate(null, ADD, {
      cartToken: guest.cartToken,
      lines: [{ variantId: mug.id, quantity: 99 }],
    });
    expect(failed.userErrors[0]?.code).toBe('INVALID_QUANTITY');
    expect(await outboxOf(h.database, cartId)).toHaveLength(2);

    // The relay publishes them to the bus.
    const published = await eventually(async () => {
      const log = await h.database.query<{ type: string }>(
        `select envelope->>'type' as type from events.log where key = $1 order by position`,
        [cartId],
      );
      return log.length === 2 ? log.map((row) => row.type) : undefined;
    });
    expect(published).toEqual(['cart.created', 'cart.line_added']);
  });

  it('should mark the cart CONVERTED on order.created, once', async () => {
    const me = customer();
    const cart = (await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 2 }] })).cart!;
    const orderId = randomUUID();
    const envelope = createEnvelope({
      type: 'order.created',
      source: 'order',
      topic: TOPICS.order,
      subject: orderId,
      sequence: 1,
      data: {
        orderId,
        number: 'SG-1001',
        userId: me.userId,
        cartId: cart.id,
        status: 'PENDING_PAYMENT',
        total: { amountMinor: 2_000, currency: 'USD' },
        lines: [],
      },
    });
    await h.bus.publish([envelope]);
    await h.bus.publish([envelope]); // redelivery must not convert twice
    await h.bus.publish([
      createEnvelope({
        type: 'order.paid',
        source: 'order',
        topic: TOPICS.order,
        subject: orderId,
        sequence: 2,
        data: { orderId, userId: me.userId },
      }),
    ]);

    const status = await eventually(async () => {
      const [row] = await h.database.query<{ status: string; order_id: string; version: number }>(
        'select status, order_id, version from cart.carts where id = $1',
        [cart.id],
      );
      return row?.status === 'CONVERTED' ? row : undefined;
    });
    expect(status).toEqual({ status: 'CONVERTED', order_id: orderId, version: 3 });
    const converted = await eventually(async () => {
      const rows = (await outboxOf(h.database, cart.id)).filter(
        (row) => row.type === 'cart.converted',
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(converted.map((row) => row.envelope.data)).toEqual([
      { cartId: cart.id, userId: me.userId, version: 3, orderId },
    ]);
    // Wait until the consumer has passed all three events, then check nothing else changed.
    await eventually(async () => {
      const [row] = await h.database.query<{ n: number }>(
        `select count(*)::int as n from cart.processed_events where consumer = 'cart'`,
      );
      return row && row.n >= 2 ? true : undefined;
    });
    expect(await h.readCart(me)).toBeNull();
    const forCheckout = await h.call(
      { userId: 'service:order', roles: ['SERVICE'] },
      `query ($cartId: ID!, $userId: ID!) { cartForCheckout(cartId: $cartId, userId: $userId) { id } }`,
      { cartId: cart.id, userId: me.userId },
    );
    expect(forCheckout.data.cartForCheckout).toBeNull();
    // A fresh add starts a new cart.
    const next = await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 1 }] });
    expect(next.cart?.id).not.toBe(cart.id);
  });
});
