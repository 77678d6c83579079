import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Identity } from '@shop/auth';
import { createEnvelope, TOPICS, type EventEnvelope } from '@shop/events';
import { testDatabaseTargets } from '@shop/testing';
import {
  ADD,
  CLAIM,
  customer,
  eventually,
  outboxOf,
  SERVICE,
  startHarness,
  type Harness,
} from './harness';
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
    // A converted cart cannot be claimed for another order: the claim names the order.
    const claim = await h.call(SERVICE, CLAIM, {
      cartId: cart.id,
      userId: me.userId,
      orderId: randomUUID(),
    });
    expect(claim.data.claimCartForCheckout).toEqual({ cart: null, claimedByOrderId: orderId });
    // A fresh add starts a new cart.
    const next = await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 1 }] });
    expect(next.cart?.id).not.toBe(cart.id);
  });

  /** An `order.created` for `cartId`, read by the order at `cartVersion` with `lines`. */
  const orderCreated = (
    me: Identity,
    cartId: string,
    cartVersion: number,
    lines: Array<{ variantId: string; quantity: number }>,
  ) => {
    const orderId = randomUUID();
    return createEnvelope({
      type: 'order.created',
      source: 'order',
      topic: TOPICS.order,
      subject: orderId,
      sequence: 1,
      data: {
        orderId,
        number: 'SG-2001',
        userId: me.userId,
        cartId,
        cartVersion,
        status: 'PENDING_PAYMENT',
        total: { amountMinor: 1_000, currency: 'USD' },
        lines: lines.map((line) => ({
          ...line,
          productId: randomUUID(),
          sku: 'SKU',
          productName: 'Product',
          unitPrice: { amountMinor: 1_000, currency: 'USD' },
        })),
      },
    });
  };

  /** Publishes envelopes and waits until the cart consumer has processed all of them. */
  const deliver = async (...envelopes: EventEnvelope[]) => {
    await h.bus.publish(envelopes);
    await eventually(async () => {
      const [row] = await h.database.query<{ n: number }>(
        `select count(*)::int as n from cart.processed_events
          where consumer = 'cart' and event_id = any($1::uuid[])`,
        [envelopes.map((envelope) => envelope.id)],
      );
      return row?.n === new Set(envelopes.map((envelope) => envelope.id)).size ? true : undefined;
    });
  };

  const linesOf = async (cartId: string) =>
    (
      await h.database.query<{ variant_id: string; quantity: number }>(
        'select variant_id, quantity from cart.cart_lines where cart_id = $1 order by position',
        [cartId],
      )
    ).map((row) => ({ variantId: row.variant_id, quantity: row.quantity }));

  const statusOf = async (cartId: string) =>
    (
      await h.database.query<{ status: string }>('select status from cart.carts where id = $1', [
        cartId,
      ])
    )[0]?.status;

  it('should carry lines added after the ordered version over to a new active cart', async () => {
    const tee = h.product.add({ sku: 'TEE' });
    const me = customer();
    const ordered = (await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 2 }] }))
      .cart!;
    // Added between checkout (which read `ordered.version`) and the conversion.
    const later = (await h.mutate(me, ADD, { lines: [{ variantId: tee.id, quantity: 3 }] })).cart!;
    expect(later.id).toBe(ordered.id);

    await deliver(
      orderCreated(me, ordered.id, ordered.version, [{ variantId: mug.id, quantity: 2 }]),
    );

    expect(await statusOf(ordered.id)).toBe('CONVERTED');
    // The converted cart keeps its lines as history.
    expect(await linesOf(ordered.id)).toEqual([
      { variantId: mug.id, quantity: 2 },
      { variantId: tee.id, quantity: 3 },
    ]);
    const active = await h.readCart(me);
    expect(active?.id).not.toBe(ordered.id);
    expect(active?.status).toBe('ACTIVE');
    expect(active?.lines.map((line) => [line.variantId, line.quantity])).toEqual([[tee.id, 3]]);
    expect(active?.lines[0]?.unitPrice).toEqual({ amount: 1_000, currencyCode: 'USD' });
    expect(active?.version).toBe(2);
    const events = await outboxOf(h.database, active!.id);
    expect(events.map((row) => [row.type, row.envelope.data.version])).toEqual([
      ['cart.created', 1],
      ['cart.line_added', 2],
    ]);
    expect(events[1]?.envelope.data).toMatchObject({
      cartId: active!.id,
      userId: me.userId,
      variantId: tee.id,
      quantity: 3,
      lineQuantity: 3,
      carriedFrom: ordered.id,
    });
    // The next add goes to the carried-over cart.
    const next = await h.mutate(me, ADD, { lines: [{ variantId: tee.id, quantity: 1 }] });
    expect(next.cart?.id).toBe(active!.id);
    expect(next.cart?.lines.map((line) => line.quantity)).toEqual([4]);
  });

  it('should carry over only the increase of an ordered line', async () => {
    const tee = h.product.add({ sku: 'TEE' });
    const me = customer();
    const ordered = (
      await h.mutate(me, ADD, {
        lines: [
          { variantId: mug.id, quantity: 2 },
          { variantId: tee.id, quantity: 1 },
        ],
      })
    ).cart!;
    const raised = await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 3 }] });
    expect(raised.cart?.lines.map((line) => line.quantity)).toEqual([5, 1]);
    const envelope = orderCreated(me, ordered.id, ordered.version, [
      { variantId: mug.id, quantity: 2 },
      { variantId: tee.id, quantity: 1 },
    ]);
    await deliver(envelope);
    const carried = await h.readCart(me);
    expect(carried?.lines.map((line) => [line.variantId, line.quantity])).toEqual([[mug.id, 3]]);
    expect(await linesOf(ordered.id)).toEqual([
      { variantId: mug.id, quantity: 5 },
      { variantId: tee.id, quantity: 1 },
    ]);
  });

  it('should not carry anything over twice when the conversion runs again', async () => {
    const tee = h.product.add({ sku: 'TEE' });
    const me = customer();
    const ordered = (await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 1 }] }))
      .cart!;
    await h.mutate(me, ADD, { lines: [{ variantId: tee.id, quantity: 2 }] });
    const lines = [{ variantId: mug.id, quantity: 1 }];
    // Two distinct deliveries of the same order (e.g. re-emitted): the handler runs twice.
    await deliver(
      orderCreated(me, ordered.id, ordered.version, lines),
      orderCreated(me, ordered.id, ordered.version, lines),
    );
    const active = await h.readCart(me);
    expect(active?.lines.map((line) => [line.variantId, line.quantity])).toEqual([[tee.id, 2]]);
    expect((await outboxOf(h.database, active!.id)).map((row) => row.type)).toEqual([
      'cart.created',
      'cart.line_added',
    ]);
    expect(
      (await outboxOf(h.database, ordered.id)).filter((row) => row.type === 'cart.converted'),
    ).toHaveLength(1);
  });

  it('should convert as before when the cart did not change after the checkout', async () => {
    const me = customer();
    const ordered = (await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 2 }] }))
      .cart!;
    await deliver(
      orderCreated(me, ordered.id, ordered.version, [{ variantId: mug.id, quantity: 2 }]),
    );
    expect(await statusOf(ordered.id)).toBe('CONVERTED');
    expect(await h.readCart(me)).toBeNull();
    const [row] = await h.database.query<{ n: number }>(
      'select count(*)::int as n from cart.carts where user_id = $1',
      [me.userId],
    );
    expect(row?.n).toBe(1);
    expect((await outboxOf(h.database, ordered.id)).map((r) => r.type)).toEqual([
      'cart.created',
      'cart.line_added',
      'cart.converted',
    ]);
  });
});
