import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintInternalToken, loadSigningKey } from '@shop/auth';
import { testDatabaseTargets } from '@shop/testing';
import {
  admin,
  cartEvent,
  cartToken,
  customer,
  eventually,
  newOrder,
  orderCreated,
  orderTransition,
  paymentEvent,
  PENDING_STREAM_MS,
  record,
  startHarness,
  type Harness,
} from './harness';

const ORDER_STATUS = `subscription ($orderId: ID!) {
  orderStatusChanged(orderId: $orderId) {
    orderId order { id } status previousStatus version at snapshot
  }
}`;
const PAYMENT_STATUS = `subscription ($orderId: ID!) {
  paymentStatusChanged(orderId: $orderId) {
    orderId order { id } paymentId status version at snapshot
  }
}`;
const CART_UPDATED = `subscription ($cartId: ID!, $cartToken: String) {
  cartUpdated(cartId: $cartId, cartToken: $cartToken) {
    cartId cart { id } version reason at snapshot
  }
}`;
const FEED = `subscription ($after: String) {
  notificationReceived(after: $after) { id kind title orderId read createdAt cursor }
}`;
const MY_FEED = `subscription ($after: String) {
  myNotifications(after: $after) { id title cursor }
}`;

describe.each(testDatabaseTargets())('notification subscriptions on $name', (target) => {
  let h: Harness;
  let seq = 100;
  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses sockets without a valid gateway token', async () => {
    const missing = record(h.connect(null, { authorization: null }), FEED);
    await missing.ended();
    expect(missing.error).toMatchObject({ code: 4401, reason: 'Missing gateway token' });

    const otherKey = await loadSigningKey();
    const forged = await mintInternalToken(otherKey, 'notification', customer());
    const invalid = record(h.connect(null, { authorization: `Bearer ${forged}` }), FEED);
    await invalid.ended();
    expect(invalid.error).toMatchObject({
      code: 4403,
      reason: 'Invalid gateway token: TOKEN_INVALID',
    });

    // A genuine token for another subgraph (wrong audience) is refused too.
    const otherAudience = await mintInternalToken(h.gatewayKey, 'order', customer());
    const wrong = record(h.connect(null, { authorization: `Bearer ${otherAudience}` }), FEED);
    await wrong.ended();
    expect(wrong.error).toMatchObject({ code: 4403 });
    expect(missing.results).toEqual([]);
    expect(h.subgraph.wakeups.listenerCount()).toBe(0);
  });

  it('orderStatusChanged: snapshot first, then live changes; owner or admin only', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    await h.publish(orderCreated(order));
    await h.settle();

    const sub = record(h.connect(user), ORDER_STATUS, { orderId: order.orderId });
    const [snapshot] = await sub.waitFor(1);
    expect(snapshot).toEqual({
      data: {
        orderStatusChanged: {
          orderId: order.orderId,
          order: { id: order.orderId },
          status: 'PENDING_PAYMENT',
          previousStatus: null,
          version: 1,
          at: expect.any(String),
          snapshot: true,
        },
      },
    });

    const adminSub = record(h.connect(admin()), ORDER_STATUS, { orderId: order.orderId });
    await adminSub.waitFor(1);
    expect(adminSub.results[0]!.data!.orderStatusChanged).toMatchObject({
      version: 1,
      snapshot: true,
    });

    await h.publish(
      ...orderTransition(order, {
        from: 'PENDING_PAYMENT',
        to: 'PAYMENT_AUTHORIZED',
        version: 2,
        type: 'order.placed',
      }),
    );
    const results = await sub.waitFor(2);
    expect(results[1]!.data!.orderStatusChanged).toEqual({
      orderId: order.orderId,
      order: { id: order.orderId },
      status: 'PAYMENT_AUTHORIZED',
      previousStatus: 'PENDING_PAYMENT',
      version: 2,
      at: expect.any(String),
      snapshot: false,
    });
    await adminSub.waitFor(2);
    expect(adminSub.results[1]!.data!.orderStatusChanged).toMatchObject({
      status: 'PAYMENT_AUTHORIZED',
      version: 2,
    });

    // Someone else's order and an unknown order look the same: both are waited for (the order
    // may not have reached this service yet), then end with NOT_FOUND.
    const stranger = record(h.connect(customer()), ORDER_STATUS, { orderId: order.orderId });
    const unknown = record(h.connect(user), ORDER_STATUS, { orderId: randomUUID() });
    for (const denied of [stranger, unknown]) {
      await denied.ended();
      expect(denied.results).toEqual([]);
      expect(denied.error).toEqual([
        { message: 'Order not found', extensions: { code: 'NOT_FOUND' } },
      ]);
    }
    // An ID that cannot be an order's is refused at once.
    const malformed = record(h.connect(user), ORDER_STATUS, { orderId: 'not-an-order' });
    await malformed.ended(500);
    expect(malformed.results[0]!.errors![0]).toMatchObject({
      message: 'Order not found',
      extensions: { code: 'NOT_FOUND' },
    });
    const anonymous = record(h.connect(null), ORDER_STATUS, { orderId: order.orderId });
    await anonymous.ended();
    expect(anonymous.results[0]!.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED' });

    // A resubscription after a reconnect gets the current state once, not the history.
    const again = record(h.connect(user), ORDER_STATUS, { orderId: order.orderId });
    await again.waitFor(1);
    expect(again.results.map((r) => r.data!.orderStatusChanged.version)).toEqual([2]);
    expect(again.results[0]!.data!.orderStatusChanged).toMatchObject({
      status: 'PAYMENT_AUTHORIZED',
      snapshot: true,
    });
    for (const s of [sub, adminSub, again]) s.unsubscribe();
    await eventually(async () => (h.subgraph.wakeups.listenerCount() === 0 ? true : undefined));
  });

  it('a subscription opened before this service heard of the order waits for it (owner only)', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    const paymentId = randomUUID();
    // Right after checkout: the client subscribes before the order's events arrive here.
    const status = record(h.connect(user), ORDER_STATUS, { orderId: order.orderId });
    const payment = record(h.connect(user), PAYMENT_STATUS, { orderId: order.orderId });
    const byAdmin = record(h.connect(admin()), ORDER_STATUS, { orderId: order.orderId });
    const stranger = record(h.connect(customer()), ORDER_STATUS, { orderId: order.orderId });
    await eventually(async () =>
      h.subgraph.wakeups.listenerCount(`order:${order.orderId}`) === 3 ? true : undefined,
    );
    expect([status, payment, byAdmin, stranger].map((r) => r.results.length)).toEqual([0, 0, 0, 0]);

    await h.publish(orderCreated(order));
    // It came after the subscription: every version of it, the first as the snapshot.
    const [created] = await status.waitFor(1);
    expect(created!.data!.orderStatusChanged).toMatchObject({
      orderId: order.orderId,
      status: 'PENDING_PAYMENT',
      version: 1,
      snapshot: true,
    });
    await byAdmin.waitFor(1);
    // The order is known now, its payment not yet: the payment stream keeps waiting, past the
    // deadline, for the payment of an order its caller may see.
    await new Promise((resolve) => setTimeout(resolve, PENDING_STREAM_MS + 300));
    expect(payment.error).toBeUndefined();
    await h.publish(
      paymentEvent(order, {
        paymentId,
        type: 'payment.authorized',
        status: 'AUTHORIZED',
        version: 2,
      }),
    );
    const [authorized] = await payment.waitFor(1);
    expect(authorized!.data!.paymentStatusChanged).toMatchObject({
      paymentId,
      status: 'AUTHORIZED',
    });

    // Someone else's order, known or not, is never shown: NOT_FOUND once the wait is over.
    await stranger.ended();
    expect(stranger.results).toEqual([]);
    expect(stranger.error).toEqual([
      { message: 'Order not found', extensions: { code: 'NOT_FOUND' } },
    ]);

    // A guest cart created after the subscription: its token holder gets it.
    const cart = { cartId: randomUUID(), userId: null };
    const guestSub = record(h.connect(null), CART_UPDATED, {
      cartId: cart.cartId,
      cartToken: cartToken(cart.cartId),
    });
    await eventually(async () =>
      h.subgraph.wakeups.listenerCount(`cart:${cart.cartId}`) === 1 ? true : undefined,
    );
    await h.publish(cartEvent(cart, 'cart.created', 1, { currencyCode: 'USD' }));
    const [cartCreated] = await guestSub.waitFor(1);
    expect(cartCreated!.data!.cartUpdated).toMatchObject({ cartId: cart.cartId, version: 1 });

    for (const r of [status, payment, byAdmin, guestSub]) r.unsubscribe();
    await eventually(async () => (h.subgraph.wakeups.listenerCount() === 0 ? true : undefined));
  });

  it('a subscription to an order that never comes ends with NOT_FOUND after the wait', async () => {
    const user = customer();
    const started = Date.now();
    const never = record(h.connect(user), ORDER_STATUS, { orderId: randomUUID() });
    await never.ended(PENDING_STREAM_MS + 5_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(PENDING_STREAM_MS - 50);
    expect(never.results).toEqual([]);
    expect(never.error).toEqual([
      { message: 'Order not found', extensions: { code: 'NOT_FOUND' } },
    ]);
    await eventually(async () => (h.subgraph.wakeups.listenerCount() === 0 ? true : undefined));
  });

  it('statuses outside the OrderStatus/PaymentStatus enums never reach a stream', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    const paymentId = randomUUID();
    await h.publish(orderCreated(order));
    await h.settle();
    const orders = record(h.connect(user), ORDER_STATUS, { orderId: order.orderId });
    const payments = record(h.connect(user), PAYMENT_STATUS, { orderId: order.orderId });
    await orders.waitFor(1);

    // A producer newer than this schema: ON_HOLD / DISPUTED are no enum values. The read
    // models keep their state, so the streams go on with the next valid change.
    await h.publish(
      ...orderTransition(order, { from: 'PENDING_PAYMENT', to: 'ON_HOLD', version: 2 }),
      paymentEvent(order, {
        paymentId,
        type: 'payment.action_required',
        status: 'DISPUTED',
        version: 2,
      }),
    );
    await h.settle();
    await h.publish(
      ...orderTransition(order, { from: 'ON_HOLD', to: 'CANCELLED', version: 3 }),
      paymentEvent(order, { paymentId, type: 'payment.voided', status: 'VOIDED', version: 3 }),
    );
    await orders.waitFor(2);
    await payments.waitFor(1);
    expect(orders.results.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(orders.results[1]!.data!.orderStatusChanged).toMatchObject({
      status: 'CANCELLED',
      // `from` was no enum value: the previous status is the last one the stream knew.
      previousStatus: 'PENDING_PAYMENT',
      version: 3,
      snapshot: false,
    });
    expect(payments.results).toEqual([
      {
        data: {
          paymentStatusChanged: expect.objectContaining({
            paymentId,
            status: 'VOIDED',
            version: 1,
          }),
        },
      },
    ]);
    const [state] = await h.database.query(
      'select status, previous_status from notification.order_states where order_id = $1',
      [order.orderId],
    );
    expect(state).toEqual({ status: 'CANCELLED', previous_status: 'PENDING_PAYMENT' });
    for (const s of [orders, payments]) s.unsubscribe();
  });

  it('paymentStatusChanged: snapshot, then live payment changes', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    const paymentId = randomUUID();
    await h.publish(orderCreated(order));
    await h.settle();
    await h.publish(
      paymentEvent(order, {
        paymentId,
        type: 'payment.authorized',
        status: 'AUTHORIZED',
        version: 2,
      }),
    );
    await h.settle();

    const sub = record(h.connect(user), PAYMENT_STATUS, { orderId: order.orderId });
    await sub.waitFor(1);
    expect(sub.results[0]!.data!.paymentStatusChanged).toEqual({
      orderId: order.orderId,
      order: { id: order.orderId },
      paymentId,
      status: 'AUTHORIZED',
      version: 1,
      at: expect.any(String),
      snapshot: true,
    });
    await h.publish(
      paymentEvent(order, { paymentId, type: 'payment.captured', status: 'CAPTURED', version: 3 }),
    );
    await sub.waitFor(2);
    expect(sub.results[1]!.data!.paymentStatusChanged).toMatchObject({
      paymentId,
      status: 'CAPTURED',
      version: 2,
      snapshot: false,
    });
    const stranger = record(h.connect(customer()), PAYMENT_STATUS, { orderId: order.orderId });
    await stranger.ended();
    expect(stranger.error).toEqual([
      { message: 'Order not found', extensions: { code: 'NOT_FOUND' } },
    ]);
    sub.unsubscribe();
  });

  it('cartUpdated: for the owner and for a genuine guest token; forged tokens are refused', async () => {
    const user = customer();
    const owned = { cartId: randomUUID(), userId: user.userId };
    const guest = { cartId: randomUUID(), userId: null };
    await h.publish(
      cartEvent(owned, 'cart.created', 1, { currencyCode: 'USD' }),
      cartEvent(guest, 'cart.created', 1, { currencyCode: 'USD' }),
      cartEvent(guest, 'cart.line_added', 2, {
        variantId: randomUUID(),
        productId: randomUUID(),
        sku: 'TSHIRT-M-BLUE',
        quantity: 1,
        lineQuantity: 1,
        unitPrice: { amountMinor: 1999, currency: 'USD' },
      }),
    );
    await h.settle();

    const ownerSub = record(h.connect(user), CART_UPDATED, { cartId: owned.cartId });
    await ownerSub.waitFor(1);
    expect(ownerSub.results[0]!.data!.cartUpdated).toEqual({
      cartId: owned.cartId,
      cart: { id: owned.cartId },
      version: 1,
      reason: 'created',
      at: expect.any(String),
      snapshot: true,
    });
    const guestSub = record(h.connect(null), CART_UPDATED, {
      cartId: guest.cartId,
      cartToken: cartToken(guest.cartId),
    });
    await guestSub.waitFor(1);
    expect(guestSub.results[0]!.data!.cartUpdated).toMatchObject({
      version: 2,
      reason: 'line_added',
      snapshot: true,
    });

    await h.publish(
      cartEvent(owned, 'cart.line_added', 2, {
        variantId: randomUUID(),
        productId: randomUUID(),
        sku: 'TSHIRT-M-BLUE',
        quantity: 2,
        lineQuantity: 2,
        unitPrice: { amountMinor: 1999, currency: 'USD' },
      }),
      cartEvent(guest, 'cart.line_updated', 3, {
        variantId: randomUUID(),
        sku: 'TSHIRT-M-BLUE',
        fromQuantity: 1,
        quantity: 3,
      }),
    );
    await ownerSub.waitFor(2);
    await guestSub.waitFor(2);
    expect(ownerSub.results[1]!.data!.cartUpdated).toMatchObject({
      version: 2,
      reason: 'line_added',
      snapshot: false,
    });
    expect(guestSub.results[1]!.data!.cartUpdated).toMatchObject({
      version: 3,
      reason: 'line_updated',
      snapshot: false,
    });

    const denied = [
      // Forged: signed with another secret.
      record(h.connect(null), CART_UPDATED, {
        cartId: guest.cartId,
        cartToken: cartToken(guest.cartId, 'another-secret-0123456789abcdef'),
      }),
      // A genuine token of another cart.
      record(h.connect(null), CART_UPDATED, {
        cartId: guest.cartId,
        cartToken: cartToken(owned.cartId),
      }),
      // No token, not the owner.
      record(h.connect(customer()), CART_UPDATED, { cartId: owned.cartId }),
      record(h.connect(null), CART_UPDATED, { cartId: guest.cartId }),
    ];
    for (const sub of denied) {
      await sub.ended();
      expect(sub.error).toEqual([{ message: 'Cart not found', extensions: { code: 'NOT_FOUND' } }]);
    }
    const byAdmin = record(h.connect(admin()), CART_UPDATED, { cartId: owned.cartId });
    await byAdmin.waitFor(1);
    expect(byAdmin.results[0]!.data!.cartUpdated).toMatchObject({ version: 2, snapshot: true });
    for (const sub of [ownerSub, guestSub, byAdmin]) sub.unsubscribe();
  });

  it('notificationReceived(after) replays exactly the missed notifications, then goes live', async () => {
    const user = customer();
    const orders = Array.from({ length: 4 }, () => newOrder(user.userId, ++seq));
    await h.publish(orderCreated(orders[0]!));
    await h.settle();

    // Live only (no cursor): nothing from before.
    const live = record(h.connect(user), FEED);
    const first = record(h.connect(user), FEED, { after: null });
    await eventually(async () =>
      h.subgraph.wakeups.listenerCount(`user:${user.userId}`) === 2 ? true : undefined,
    );
    await h.publish(orderCreated(orders[1]!));
    await live.waitFor(1);
    await first.waitFor(1);
    const received = first.results[0]!.data!.notificationReceived;
    expect(received).toMatchObject({
      kind: 'ORDER_RECEIVED',
      title: `Order ${orders[1]!.number} received`,
      orderId: orders[1]!.orderId,
      read: false,
    });
    // The client goes away; two notifications happen while it is offline.
    first.unsubscribe();
    await h.publish(orderCreated(orders[2]!), orderCreated(orders[3]!));
    await live.waitFor(3);
    await h.settle();

    const resumed = record(h.connect(user), FEED, { after: received.cursor });
    await resumed.waitFor(2);
    expect(resumed.results.map((r) => r.data!.notificationReceived.title)).toEqual([
      `Order ${orders[2]!.number} received`,
      `Order ${orders[3]!.number} received`,
    ]);
    const more = [newOrder(user.userId, ++seq), newOrder(user.userId, ++seq)];
    await h.publish(...more.map(orderCreated));
    await resumed.waitFor(4);
    await live.waitFor(5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const titles = resumed.results.map((r) => r.data!.notificationReceived.title);
    expect(titles).toEqual([...orders.slice(2), ...more].map((o) => `Order ${o.number} received`));
    expect(live.results.map((r) => r.data!.notificationReceived.title)).toEqual(
      [...orders.slice(1), ...more].map((o) => `Order ${o.number} received`),
    );
    // Cursors increase and match the feed order.
    const cursors = resumed.results.map((r) => r.data!.notificationReceived.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);

    // The alias behaves the same; a cursor before everything replays the whole feed.
    const all = record(h.connect(user), MY_FEED, { after: received.cursor });
    await all.waitFor(4);
    expect(all.results.map((r) => r.data!.myNotifications.title)).toEqual(titles);

    const anonymous = record(h.connect(null), FEED);
    await anonymous.ended();
    expect(anonymous.results[0]!.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    const badCursor = record(h.connect(user), FEED, { after: 'not-a-cursor' });
    await badCursor.ended();
    expect(badCursor.results[0]!.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    for (const sub of [live, resumed, all]) sub.unsubscribe();
  });

  it('never delivers an event whose transaction rolled back; the retry is delivered once', async () => {
    const user = customer();
    const feed = record(h.connect(user), FEED);
    await eventually(async () =>
      h.subgraph.wakeups.listenerCount(`user:${user.userId}`) === 1 ? true : undefined,
    );
    const order = newOrder(user.userId, ++seq);
    h.failNextSend();
    const [envelope] = await h.publish(orderCreated(order));
    await h.settle();
    await feed.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(feed.results.map((r) => r.data!.notificationReceived.title)).toEqual([
      `Order ${order.number} received`,
    ]);
    const rows = await h.database.query<{ event_id: string }>(
      'select event_id from notification.email_outbox where user_id = $1',
      [user.userId],
    );
    expect(rows).toEqual([{ event_id: envelope!.id }]);
    expect(h.sent.filter((n) => n.userId === user.userId)).toHaveLength(1);
    feed.unsubscribe();
  });

  it('accepts a per-operation gateway token in the subscribe extensions', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    await h.publish(orderCreated(order));
    await h.settle();
    const socket = h.connect(null);
    const token = await mintInternalToken(h.gatewayKey, 'notification', user);
    const sub = record(
      socket,
      ORDER_STATUS,
      { orderId: order.orderId },
      {
        authorization: `Bearer ${token}`,
      },
    );
    await sub.waitFor(1);
    expect(sub.results[0]!.data!.orderStatusChanged).toMatchObject({ version: 1, snapshot: true });
    const forged = record(
      socket,
      ORDER_STATUS,
      { orderId: order.orderId },
      {
        authorization: 'Bearer nope',
      },
    );
    await forged.ended();
    expect(forged.error).toEqual([
      expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } }),
    ]);
    sub.unsubscribe();
  });

  it('cleans up: unsubscribing or closing the socket removes every live listener', async () => {
    await eventually(async () => (h.subgraph.wakeups.listenerCount() === 0 ? true : undefined));
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    await h.publish(orderCreated(order));
    await h.settle();
    const client = h.connect(user);
    const subs = [
      record(client, ORDER_STATUS, { orderId: order.orderId }),
      record(client, PAYMENT_STATUS, { orderId: order.orderId }),
      record(client, FEED),
    ];
    await subs[0]!.waitFor(1);
    await eventually(async () => (h.subgraph.wakeups.listenerCount() === 3 ? true : undefined));
    expect(h.subgraph.wakeups.listenerCount(`order:${order.orderId}`)).toBe(1);
    subs[0]!.unsubscribe();
    await eventually(async () => (h.subgraph.wakeups.listenerCount() === 2 ? true : undefined));
    // Closing the socket ends the rest.
    await client.dispose();
    await eventually(async () => (h.subgraph.wakeups.listenerCount() === 0 ? true : undefined));
  });
});
