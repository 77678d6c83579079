import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSubgraph, testDatabaseTargets } from '@shop/testing';
import {
  ADDRESS,
  ADMIN,
  CANCEL,
  CHECKOUT,
  COMPLETE,
  customer,
  DELIVER,
  ORDER,
  PAYMENT_SERVICE,
  SHIP,
  startHarness,
  waitFor,
  type Harness,
} from './harness';

const USER_ORDERS = `query ($id: ID!, $first: Int, $after: String) {
  _entities(representations: [{ __typename: "User", id: $id }]) {
    ... on User { id orders(first: $first, after: $after) {
      edges { cursor node { id number status } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    } }
  }
}`;

const ADMIN_ORDERS = `query ($status: OrderStatus, $first: Int, $after: String) {
  orders(status: $status, first: $first, after: $after) {
    edges { node { id status } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const ORDER_FOR_PAYMENT = `query ($orderId: ID!) {
  orderForPayment(orderId: $orderId) { id userId status total { amount currencyCode } }
}`;

describe.each(testDatabaseTargets())('orders on $name', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  const statusOf = async (orderId: string) =>
    (
      await h.database.query<{ status: string }>(
        `select status from "order".orders where id = $1`,
        [orderId],
      )
    )[0]?.status;

  const historyCount = async (orderId: string) =>
    Number(
      (
        await h.database.query<{ n: string }>(
          `select count(*)::text as n from "order".order_status_history where order_id = $1`,
          [orderId],
        )
      )[0]!.n,
    );

  /** Waits until the order consumer has processed everything published so far. */
  const consumerCaughtUp = () =>
    waitFor(async () => {
      const [row] = await h.database.query<{ done: boolean }>(
        `select coalesce((select position from events.consumer_offsets
                          where group_id = 'order' and topic = 'payment.events.v1'), 0)
                >= coalesce((select max(position) from events.log where topic = 'payment.events.v1'), 0)
                as done`,
      );
      return row?.done === true;
    });

  const payment = (order: any, identityUserId: string) => ({
    id: order.id as string,
    userId: identityUserId,
    total: order.total.amount as number,
  });

  describe('reading', () => {
    it('should show an order to its owner and admins, and null to others and for missing ids', async () => {
      const { identity, order } = await h.placeOrder();

      const own = await h.call(identity, ORDER, { id: order.id });
      const admin = await h.call(ADMIN, ORDER, { id: order.id });
      const other = await h.call(customer(), ORDER, { id: order.id });
      const anonymous = await h.call(null, ORDER, { id: order.id });
      const missing = await h.call(identity, ORDER, { id: randomUUID() });
      const malformed = await h.call(identity, ORDER, { id: 'not-a-uuid' });

      expect(own.data.order).toEqual(order);
      expect(admin.data.order.id).toBe(order.id);
      expect(admin.data.order.nextStates).toEqual(['CANCELLED']);
      for (const result of [other, anonymous, missing, malformed]) {
        expect(result.errors).toBeUndefined();
        expect(result.data.order).toBeNull();
      }
    });

    it('should page User.orders newest first for the user and admins only', async () => {
      const alice = customer();
      const placed: string[] = [];
      for (let i = 0; i < 5; i += 1) placed.push((await h.placeOrder(alice)).order.id);
      const newestFirst = [...placed].reverse();

      const first = await h.call(alice, USER_ORDERS, { id: alice.userId, first: 2 });
      const page1 = first.data._entities[0].orders;
      expect(page1.edges.map((e: any) => e.node.id)).toEqual(newestFirst.slice(0, 2));
      expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

      const second = await h.call(alice, USER_ORDERS, {
        id: alice.userId,
        first: 2,
        after: page1.pageInfo.endCursor,
      });
      const page2 = second.data._entities[0].orders;
      expect(page2.edges.map((e: any) => e.node.id)).toEqual(newestFirst.slice(2, 4));
      expect(page2.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

      const third = await h.call(alice, USER_ORDERS, {
        id: alice.userId,
        first: 2,
        after: page2.pageInfo.endCursor,
      });
      const page3 = third.data._entities[0].orders;
      expect(page3.edges.map((e: any) => e.node.id)).toEqual(newestFirst.slice(4));
      expect(page3.pageInfo.hasNextPage).toBe(false);

      const byAdmin = await h.call(ADMIN, USER_ORDERS, { id: alice.userId, first: 10 });
      expect(byAdmin.data._entities[0].orders.edges).toHaveLength(5);

      const byOther = await h.call(customer(), USER_ORDERS, { id: alice.userId, first: 10 });
      expect(byOther.data._entities[0].orders).toEqual({
        edges: [],
        pageInfo: {
          hasNextPage: false,
          hasPreviousPage: false,
          startCursor: null,
          endCursor: null,
        },
      });

      const badCursor = await h.call(alice, USER_ORDERS, { id: alice.userId, after: 'garbage' });
      expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('should list all orders by status for admins only', async () => {
      const { order } = await h.placeOrder();
      const listed = await h.call(ADMIN, ADMIN_ORDERS, { status: 'PENDING_PAYMENT', first: 100 });
      const nodes = listed.data.orders.edges.map((e: any) => e.node);
      expect(nodes.map((n: any) => n.id)).toContain(order.id);
      expect(new Set(nodes.map((n: any) => n.status))).toEqual(new Set(['PENDING_PAYMENT']));

      const denied = await h.call(customer(), ADMIN_ORDERS, {});
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('should answer orderForPayment to services only', async () => {
      const { identity, order } = await h.placeOrder();
      const ok = await h.call(PAYMENT_SERVICE, ORDER_FOR_PAYMENT, { orderId: order.id });
      expect(ok.data.orderForPayment).toEqual({
        id: order.id,
        userId: identity.userId,
        status: 'PENDING_PAYMENT',
        total: { amount: 2500, currencyCode: 'USD' },
      });
      const missing = await h.call(PAYMENT_SERVICE, ORDER_FOR_PAYMENT, { orderId: randomUUID() });
      expect(missing.data.orderForPayment).toBeNull();

      for (const caller of [identity, ADMIN]) {
        const denied = await h.call(caller, ORDER_FOR_PAYMENT, { orderId: order.id });
        expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(denied.data.orderForPayment).toBeNull();
      }
      const anonymous = await h.call(null, ORDER_FOR_PAYMENT, { orderId: order.id });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('payment events', () => {
    it('should move to PAYMENT_AUTHORIZED on payment.authorized and emit order.placed', async () => {
      const { identity, order } = await h.placeOrder();
      await h.publishPayment('payment.authorized', payment(order, identity.userId));
      await waitFor(async () => (await statusOf(order.id)) === 'PAYMENT_AUTHORIZED');

      const events = await h.outbox(order.id);
      expect(events.map((e) => e.type)).toEqual([
        'order.created',
        'order.status_changed',
        'order.placed',
      ]);
      expect(events[1]).toEqual({
        type: 'order.status_changed',
        sequence: 2,
        data: {
          orderId: order.id,
          userId: identity.userId,
          from: 'PENDING_PAYMENT',
          to: 'PAYMENT_AUTHORIZED',
          reason: 'payment authorized',
        },
      });
      expect(events[2]).toEqual({
        type: 'order.placed',
        sequence: 2,
        data: { orderId: order.id, userId: identity.userId },
      });
      const seen = await h.call(identity, ORDER, { id: order.id });
      expect(seen.data.order.history.at(-1)).toMatchObject({
        from: 'PENDING_PAYMENT',
        to: 'PAYMENT_AUTHORIZED',
        actorRole: 'SYSTEM',
      });
      expect(seen.data.order.nextStates).toEqual(['CANCELLED']);

      // Then captured → PAID with order.paid.
      await h.publishPayment('payment.captured', payment(order, identity.userId));
      await waitFor(async () => (await statusOf(order.id)) === 'PAID');
      expect((await h.outbox(order.id)).slice(3).map((e) => e.type)).toEqual([
        'order.status_changed',
        'order.paid',
      ]);
    });

    it('should cancel on payment.declined and emit order.cancelled', async () => {
      const { identity, order } = await h.placeOrder();
      await h.publishPayment('payment.declined', payment(order, identity.userId));
      await waitFor(async () => (await statusOf(order.id)) === 'CANCELLED');
      const events = await h.outbox(order.id);
      expect(events.at(-1)).toEqual({
        type: 'order.cancelled',
        sequence: 2,
        data: { orderId: order.id, userId: identity.userId, reason: 'payment declined' },
      });
    });

    it('should apply a transition once however often the event is delivered', async () => {
      const { identity, order } = await h.placeOrder();
      const eventId = await h.publishPayment('payment.authorized', payment(order, identity.userId));
      await waitFor(async () => (await statusOf(order.id)) === 'PAYMENT_AUTHORIZED');
      await consumerCaughtUp();

      // Redeliver the very same envelope (at-least-once bus): rewind the group's offset.
      const [logged] = await h.database.query<{ position: string }>(
        `select position::text as position from events.log where id = $1`,
        [eventId],
      );
      await h.database.query(
        `update events.consumer_offsets set position = $1::bigint - 1
         where group_id = 'order' and topic = 'payment.events.v1'`,
        [logged!.position],
      );
      // And the payment subgraph re-sending the same fact as a new event.
      await h.publishPayment('payment.authorized', payment(order, identity.userId));
      await consumerCaughtUp();

      expect(await historyCount(order.id)).toBe(2);
      const types = (await h.outbox(order.id)).map((e) => e.type);
      expect(types.filter((t) => t === 'order.placed')).toHaveLength(1);
      const processed = await h.database.query(
        `select 1 from "order".processed_events where consumer = 'order' and event_id = $1`,
        [eventId],
      );
      expect(processed).toHaveLength(1);
    });

    it('should ignore events that do not apply without stopping the consumer', async () => {
      const { identity, order } = await h.placeOrder();
      await h.publishPayment('payment.declined', payment(order, identity.userId));
      await waitFor(async () => (await statusOf(order.id)) === 'CANCELLED');
      // Not allowed from CANCELLED, unknown order, short amount: all ignored.
      await h.publishPayment('payment.authorized', payment(order, identity.userId));
      await h.publishPayment('payment.captured', payment(order, identity.userId));
      await h.publishPayment('payment.authorized', {
        id: randomUUID(),
        userId: identity.userId,
        total: 1,
      });
      const short = await h.placeOrder();
      await h.publishPayment('payment.authorized', {
        ...payment(short.order, short.identity.userId),
        total: 1,
      });
      // The consumer keeps going: a later valid event applies.
      const next = await h.placeOrder();
      await h.publishPayment('payment.captured', payment(next.order, next.identity.userId));
      await waitFor(async () => (await statusOf(next.order.id)) === 'PAID');

      expect(await statusOf(order.id)).toBe('CANCELLED');
      expect(await historyCount(order.id)).toBe(2);
      expect(await statusOf(short.order.id)).toBe('PENDING_PAYMENT');
      // PENDING_PAYMENT → PAID emits placed (allocation) and paid.
      expect((await h.outbox(next.order.id)).map((e) => e.type)).toEqual([
        'order.created',
        'order.status_changed',
        'order.placed',
        'order.paid',
      ]);
    });

    it('should ignore payment.captured once the order has shipped', async () => {
      const { identity, order } = await h.placeOrder();
      await h.publishPayment('payment.authorized', payment(order, identity.userId));
      await waitFor(async () => (await statusOf(order.id)) === 'PAYMENT_AUTHORIZED');
      const shipped = await h.call(ADMIN, SHIP, {
        input: { orderId: order.id, carrier: 'DHL', trackingNumber: 'TRACK-1' },
      });
      expect(shipped.data.shipOrder.order.status).toBe('SHIPPED');
      await h.publishPayment('payment.captured', payment(order, identity.userId));
      await consumerCaughtUp();
      expect(await statusOf(order.id)).toBe('SHIPPED');
      expect(await historyCount(order.id)).toBe(3);
    });
  });

  describe('admin and customer mutations', () => {
    it('should ship with tracking, visible to the customer, then deliver and complete', async () => {
      const { identity, order } = await h.placeOrder();
      await h.publishPayment('payment.captured', payment(order, identity.userId));
      await waitFor(async () => (await statusOf(order.id)) === 'PAID');

      const shipped = await h.call(ADMIN, SHIP, {
        input: { orderId: order.id, carrier: ' UPS ', trackingNumber: '1Z999' },
      });
      expect(shipped.errors).toBeUndefined();
      expect(shipped.data.shipOrder.userErrors).toEqual([]);
      expect(shipped.data.shipOrder.order.status).toBe('SHIPPED');

      const seen = (await h.call(identity, ORDER, { id: order.id })).data.order;
      expect(seen.shipment).toEqual({
        carrier: 'UPS',
        trackingNumber: '1Z999',
        shippedAt: expect.any(String),
      });
      expect(seen.nextStates).toEqual([]);
      expect(seen.history.map((c: any) => [c.from, c.to, c.actorRole])).toEqual([
        [null, 'PENDING_PAYMENT', 'CUSTOMER'],
        ['PENDING_PAYMENT', 'PAID', 'SYSTEM'],
        ['PAID', 'SHIPPED', 'ADMIN'],
      ]);
      expect((await h.outbox(order.id)).at(-1)).toEqual({
        type: 'order.shipped',
        sequence: 3,
        data: {
          orderId: order.id,
          userId: identity.userId,
          carrier: 'UPS',
          trackingNumber: '1Z999',
        },
      });

      // Shipping again is a no-op, not an error.
      const again = await h.call(ADMIN, SHIP, {
        input: { orderId: order.id, carrier: 'UPS', trackingNumber: '1Z999' },
      });
      expect(again.data.shipOrder.userErrors).toEqual([]);
      expect(await historyCount(order.id)).toBe(3);

      const delivered = await h.call(ADMIN, DELIVER, { input: { orderId: order.id } });
      expect(delivered.data.markOrderDelivered.order.status).toBe('DELIVERED');
      const completed = await h.call(ADMIN, COMPLETE, { input: { orderId: order.id } });
      expect(completed.data.completeOrder.order.status).toBe('COMPLETED');
      expect(completed.data.completeOrder.order.nextStates).toEqual([]);
      expect((await h.outbox(order.id)).slice(-4).map((e) => e.type)).toEqual([
        'order.status_changed',
        'order.delivered',
        'order.status_changed',
        'order.completed',
      ]);
    });

    it('should refuse admin mutations to customers with FORBIDDEN', async () => {
      const { identity, order } = await h.placeOrder();
      const ship = await h.call(identity, SHIP, {
        input: { orderId: order.id, carrier: 'DHL', trackingNumber: 'X' },
      });
      expect(ship.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const deliver = await h.call(identity, DELIVER, { input: { orderId: order.id } });
      expect(deliver.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const complete = await h.call(identity, COMPLETE, { input: { orderId: order.id } });
      expect(complete.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await statusOf(order.id)).toBe('PENDING_PAYMENT');
    });

    it('should answer INVALID_TRANSITION and INVALID_INPUT for admin mutations that do not apply', async () => {
      const { order } = await h.placeOrder();
      const early = await h.call(ADMIN, SHIP, {
        input: { orderId: order.id, carrier: 'DHL', trackingNumber: 'T' },
      });
      expect(early.data.shipOrder).toEqual({
        order: null,
        userErrors: [
          {
            code: 'INVALID_TRANSITION',
            message: 'An order cannot go from PENDING_PAYMENT to SHIPPED',
            field: null,
          },
        ],
      });
      const blank = await h.call(ADMIN, SHIP, {
        input: { orderId: order.id, carrier: ' ', trackingNumber: 'T' },
      });
      expect(blank.data.shipOrder.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID_INPUT', field: ['carrier'] }),
      ]);
      const missing = await h.call(ADMIN, DELIVER, { input: { orderId: randomUUID() } });
      expect(missing.data.markOrderDelivered.userErrors[0].code).toBe('ORDER_NOT_FOUND');
    });

    it('should let the owner cancel while unpaid, with the reason, and emit order.cancelled', async () => {
      const { identity, order } = await h.placeOrder();
      const result = await h.call(identity, CANCEL, {
        input: { orderId: order.id, reason: 'changed my mind' },
      });
      expect(result.data.cancelOrder.userErrors).toEqual([]);
      expect(result.data.cancelOrder.order.status).toBe('CANCELLED');
      expect(result.data.cancelOrder.order.history.at(-1)).toMatchObject({
        from: 'PENDING_PAYMENT',
        to: 'CANCELLED',
        reason: 'changed my mind',
        actorRole: 'CUSTOMER',
      });
      expect((await h.outbox(order.id)).at(-1)).toEqual({
        type: 'order.cancelled',
        sequence: 2,
        data: { orderId: order.id, userId: identity.userId, reason: 'changed my mind' },
      });
      // Cancelling again is a no-op.
      const again = await h.call(identity, CANCEL, { input: { orderId: order.id } });
      expect(again.data.cancelOrder.userErrors).toEqual([]);
      expect(await historyCount(order.id)).toBe(2);
    });

    it('should let the owner cancel an authorized order but not a paid one; admins may', async () => {
      const authorized = await h.placeOrder();
      await h.publishPayment(
        'payment.authorized',
        payment(authorized.order, authorized.identity.userId),
      );
      await waitFor(async () => (await statusOf(authorized.order.id)) === 'PAYMENT_AUTHORIZED');
      const okCancel = await h.call(authorized.identity, CANCEL, {
        input: { orderId: authorized.order.id },
      });
      expect(okCancel.data.cancelOrder.order.status).toBe('CANCELLED');

      const paid = await h.placeOrder();
      await h.publishPayment('payment.captured', payment(paid.order, paid.identity.userId));
      await waitFor(async () => (await statusOf(paid.order.id)) === 'PAID');
      const refused = await h.call(paid.identity, CANCEL, { input: { orderId: paid.order.id } });
      expect(refused.data.cancelOrder.order).toBeNull();
      expect(refused.data.cancelOrder.userErrors[0].code).toBe('INVALID_TRANSITION');
      expect(await statusOf(paid.order.id)).toBe('PAID');

      const byAdmin = await h.call(ADMIN, CANCEL, {
        input: { orderId: paid.order.id, reason: 'fraud' },
      });
      expect(byAdmin.data.cancelOrder.order.status).toBe('CANCELLED');
      expect(byAdmin.data.cancelOrder.order.history.at(-1)).toMatchObject({
        reason: 'fraud',
        actorRole: 'ADMIN',
      });
    });

    it('should answer ORDER_NOT_FOUND for another user’s order exactly like a missing one', async () => {
      const { order } = await h.placeOrder();
      const intruder = customer();
      const other = await h.call(intruder, CANCEL, { input: { orderId: order.id } });
      const missing = await h.call(intruder, CANCEL, { input: { orderId: randomUUID() } });
      expect(other.data.cancelOrder).toEqual(missing.data.cancelOrder);
      expect(other.data.cancelOrder.userErrors).toEqual([
        { code: 'ORDER_NOT_FOUND', message: 'Order not found', field: ['orderId'] },
      ]);
      expect(await statusOf(order.id)).toBe('PENDING_PAYMENT');
    });

    it('should let only one of two concurrent conflicting transitions apply', async () => {
      const { identity, order } = await h.placeOrder();
      const [cancel] = await Promise.all([
        h.call(identity, CANCEL, { input: { orderId: order.id } }),
        h.publishPayment('payment.captured', payment(order, identity.userId)),
      ]);
      await consumerCaughtUp();
      const final = await statusOf(order.id);
      expect(['CANCELLED', 'PAID']).toContain(final);
      expect(await historyCount(order.id)).toBe(2);
      expect(cancel.data.cancelOrder.order?.status ?? 'refused').toBe(
        final === 'CANCELLED' ? 'CANCELLED' : 'refused',
      );
    });
  });

  describe('expiry', () => {
    it('should expire overdue PENDING_PAYMENT orders and emit order.expired', async () => {
      const fast = await h.startAnother({ paymentTtlSeconds: 0 });
      const alice = customer();
      const variant = h.catalog.addVariant({ price: 700, stock: 3 });
      const cart = h.catalog.addCart(alice.userId, [{ variant, quantity: 1 }]);
      const checkout = await fetchCheckout(fast.url, alice, cart.id);
      const overdue = checkout.order;
      expect(overdue.status).toBe('PENDING_PAYMENT');
      const { order: fresh } = await h.placeOrder();

      const expired = await h.subgraph.expireOverdueOrders();

      expect(expired).toBeGreaterThanOrEqual(1);
      expect(await statusOf(overdue.id)).toBe('EXPIRED');
      expect(await statusOf(fresh.id)).toBe('PENDING_PAYMENT');
      expect((await h.outbox(overdue.id)).slice(1)).toEqual([
        {
          type: 'order.status_changed',
          sequence: 2,
          data: {
            orderId: overdue.id,
            userId: alice.userId,
            from: 'PENDING_PAYMENT',
            to: 'EXPIRED',
            reason: 'payment window elapsed',
          },
        },
        {
          type: 'order.expired',
          sequence: 2,
          data: { orderId: overdue.id, userId: alice.userId, reason: 'payment window elapsed' },
        },
      ]);
      expect(await h.subgraph.expireOverdueOrders()).toBe(0);
      // A late authorization no longer applies.
      await h.publishPayment('payment.authorized', payment(overdue, alice.userId));
      await consumerCaughtUp();
      expect(await statusOf(overdue.id)).toBe('EXPIRED');
    });

    it('should expire on its own interval', async () => {
      const swept = await h.startAnother({ paymentTtlSeconds: 0, expirySweepIntervalMs: 50 });
      const bob = customer();
      const variant = h.catalog.addVariant({ price: 700, stock: 3 });
      const cart = h.catalog.addCart(bob.userId, [{ variant, quantity: 1 }]);
      const { order } = await fetchCheckout(swept.url, bob, cart.id);
      await waitFor(async () => (await statusOf(order.id)) === 'EXPIRED');
    });
  });

  /** Checks out through another running instance of the order subgraph. */
  async function fetchCheckout(url: string, identity: ReturnType<typeof customer>, cartId: string) {
    const result = await callSubgraph(
      { url, subgraph: 'order', gatewayKey: h.gatewayKey, identity },
      {
        query: CHECKOUT,
        variables: {
          input: {
            cartId,
            idempotencyKey: randomUUID(),
            shippingAddress: ADDRESS,
            expectedTotal: h.catalog.currentTotal(cartId),
          },
        },
      },
    );
    return (result.body.data as any).checkout;
  }
});
