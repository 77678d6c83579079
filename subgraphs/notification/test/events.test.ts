import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import {
  admin,
  customer,
  newOrder,
  orderCreated,
  orderTransition,
  paymentEvent,
  startHarness,
  type Harness,
} from './harness';

const NOTIFICATIONS = `query ($id: ID!, $first: Int, $after: String, $unreadOnly: Boolean) {
  _entities(representations: [{ __typename: "User", id: $id }]) {
    ... on User {
      id
      notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
        edges { cursor node { id kind title body orderId read createdAt cursor } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}`;

const MARK_READ = `mutation ($id: ID!) {
  markNotificationRead(id: $id) {
    notification { id read kind }
    userErrors { code message field }
  }
}`;

interface Node {
  id: string;
  kind: string;
  title: string;
  body: string;
  orderId: string | null;
  read: boolean;
  createdAt: string;
  cursor: string;
}

describe.each(testDatabaseTargets())('notification events on $name', (target) => {
  let h: Harness;
  let seq = 0;
  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  const notificationsOf = async (userId: string, args: Record<string, unknown> = {}) => {
    const { data, errors } = await h.call({ userId, roles: ['CUSTOMER'] }, NOTIFICATIONS, {
      id: userId,
      ...args,
    });
    expect(errors).toBeUndefined();
    return data._entities[0].notifications as {
      edges: Array<{ cursor: string; node: Node }>;
      pageInfo: Record<string, unknown>;
    };
  };

  const rowsOf = (table: string, userId: string) =>
    h.database.query<Record<string, any>>(
      `select * from notification.${table} where user_id = $1 order by created_at, id`,
      [userId],
    );

  it('turns order.created into a notification, a queued email and a read model row', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    const [envelope] = await h.publish(orderCreated(order));
    await h.settle();

    const [row] = await rowsOf('notifications', user.userId);
    expect(row).toMatchObject({
      user_id: user.userId,
      event_id: envelope!.id,
      kind: 'ORDER_RECEIVED',
      title: `Order ${order.number} received`,
      order_id: order.orderId,
      read_at: null,
    });
    expect(row!.body).toContain('$54.97');
    const emails = await rowsOf('email_outbox', user.userId);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      notification_id: row!.id,
      event_id: envelope!.id,
      subject: `Order ${order.number} received`,
      sent_at: null,
    });
    const [state] = await h.database.query(
      'select * from notification.order_states where order_id = $1',
      [order.orderId],
    );
    expect(state).toMatchObject({
      user_id: user.userId,
      number: order.number,
      status: 'PENDING_PAYMENT',
      previous_status: null,
      version: 1,
    });

    const page = await notificationsOf(user.userId);
    expect(page.edges).toHaveLength(1);
    expect(page.edges[0]!.node).toMatchObject({
      id: row!.id,
      kind: 'ORDER_RECEIVED',
      title: `Order ${order.number} received`,
      orderId: order.orderId,
      read: false,
    });
    expect(page.edges[0]!.cursor).toBe(page.edges[0]!.node.cursor);
    expect(new Date(page.edges[0]!.node.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('handles a redelivered event once (one notification, one email)', async () => {
    const user = customer();
    const order = newOrder(user.userId, ++seq);
    await h.publish(
      orderCreated(order),
      ...orderTransition(order, {
        from: 'PENDING_PAYMENT',
        to: 'PAYMENT_AUTHORIZED',
        version: 2,
        type: 'order.placed',
      }),
    );
    await h.settle();
    expect(await rowsOf('notifications', user.userId)).toHaveLength(2);

    // A consumer crash before committing its offset: the bus delivers everything again.
    await h.database.query(
      "update events.consumer_offsets set position = 0 where group_id = 'notification'",
    );
    await h.settle();
    const rows = await rowsOf('notifications', user.userId);
    expect(rows.map((row) => row.kind).sort()).toEqual(['ORDER_PLACED', 'ORDER_RECEIVED']);
    expect(await rowsOf('email_outbox', user.userId)).toHaveLength(2);
    const [state] = await h.database.query<{ status: string; version: number }>(
      'select status, version from notification.order_states where order_id = $1',
      [order.orderId],
    );
    expect(state).toEqual({ status: 'PAYMENT_AUTHORIZED', version: 2 });
  });

  it('tells the user about every status change and payment, with order number and tracking', async () => {
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
      ...orderTransition(order, {
        from: 'PENDING_PAYMENT',
        to: 'PAYMENT_AUTHORIZED',
        version: 2,
        type: 'order.placed',
      }),
      ...orderTransition(
        order,
        { from: 'PAYMENT_AUTHORIZED', to: 'SHIPPED', version: 3, type: 'order.shipped' },
        { carrier: 'DHL', trackingNumber: 'JD0146000033' },
      ),
      paymentEvent(order, { paymentId, type: 'payment.captured', status: 'CAPTURED', version: 3 }),
      ...orderTransition(order, {
        from: 'SHIPPED',
        to: 'DELIVERED',
        version: 4,
        type: 'order.delivered',
      }),
      paymentEvent(order, { paymentId, type: 'payment.refunded', status: 'REFUNDED', version: 4 }),
    );
    await h.settle();
    const page = await notificationsOf(user.userId, { first: 20 });
    // Newest first; events of one topic keep their order (topics are consumed independently).
    const titles = page.edges.map((edge) => [edge.node.kind, edge.node.title]);
    expect(titles.filter(([kind]) => kind!.startsWith('ORDER_'))).toEqual([
      ['ORDER_DELIVERED', `Order ${order.number} delivered`],
      ['ORDER_SHIPPED', `Order ${order.number} shipped`],
      ['ORDER_PLACED', `Order ${order.number} placed`],
      ['ORDER_RECEIVED', `Order ${order.number} received`],
    ]);
    expect(titles.filter(([kind]) => kind!.startsWith('PAYMENT_'))).toEqual([
      ['PAYMENT_REFUNDED', `Refund issued for order ${order.number}`],
      ['PAYMENT_CAPTURED', `Payment received for order ${order.number}`],
      ['PAYMENT_AUTHORIZED', `Payment authorized for order ${order.number}`],
    ]);
    const shipped = page.edges.find((edge) => edge.node.kind === 'ORDER_SHIPPED')!.node;
    expect(shipped.body).toBe('Your order is on its way with DHL, tracking number JD0146000033.');
    expect(page.edges.find((e) => e.node.kind === 'PAYMENT_CAPTURED')!.node.body).toBe(
      'You were charged $54.97.',
    );
    const [payment] = await h.database.query(
      'select payment_id, status, version, payment_version from notification.payment_states where order_id = $1',
      [order.orderId],
    );
    expect(payment).toEqual({
      payment_id: paymentId,
      status: 'REFUNDED',
      version: 3,
      payment_version: 4,
    });
  });

  it('notifies declined payments, cancellations and expiries', async () => {
    const user = customer();
    const cancelled = newOrder(user.userId, ++seq);
    const expired = newOrder(user.userId, ++seq);
    await h.publish(orderCreated(cancelled), orderCreated(expired));
    await h.settle();
    await h.publish(
      paymentEvent(cancelled, {
        paymentId: randomUUID(),
        type: 'payment.declined',
        status: 'DECLINED',
        version: 2,
        declineCode: 'insufficient_funds',
      }),
      ...orderTransition(cancelled, {
        from: 'PENDING_PAYMENT',
        to: 'CANCELLED',
        version: 2,
        type: 'order.cancelled',
        reason: 'payment declined',
      }),
    );
    await h.publish(
      ...orderTransition(expired, {
        from: 'PENDING_PAYMENT',
        to: 'EXPIRED',
        version: 2,
        type: 'order.expired',
      }),
    );
    await h.settle();
    const page = await notificationsOf(user.userId);
    const byKind = new Map(page.edges.map((edge) => [edge.node.kind, edge.node]));
    expect(byKind.get('PAYMENT_DECLINED')).toMatchObject({
      title: `Payment declined for order ${cancelled.number}`,
      body: 'Your payment of $54.97 was declined (insufficient_funds). You can try again with another payment method.',
    });
    expect(byKind.get('ORDER_CANCELLED')).toMatchObject({
      title: `Order ${cancelled.number} cancelled`,
      orderId: cancelled.orderId,
    });
    expect(byKind.get('ORDER_EXPIRED')).toMatchObject({
      title: `Order ${expired.number} expired`,
      orderId: expired.orderId,
    });
  });

  it('pages notifications, filters unread, and shows them only to their owner or an admin', async () => {
    const user = customer();
    const orders = [
      newOrder(user.userId, ++seq),
      newOrder(user.userId, ++seq),
      newOrder(user.userId, ++seq),
    ];
    await h.publish(...orders.map(orderCreated));
    await h.settle();

    const first = await notificationsOf(user.userId, { first: 2 });
    expect(first.edges.map((e) => e.node.title)).toEqual([
      `Order ${orders[2]!.number} received`,
      `Order ${orders[1]!.number} received`,
    ]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, endCursor: first.edges[1]!.cursor });
    const second = await notificationsOf(user.userId, {
      first: 2,
      after: first.pageInfo.endCursor,
    });
    expect(second.edges.map((e) => e.node.title)).toEqual([`Order ${orders[0]!.number} received`]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const { data: marked } = await h.call(user, MARK_READ, { id: first.edges[0]!.node.id });
    expect(marked.markNotificationRead.notification).toMatchObject({ read: true });
    const unread = await notificationsOf(user.userId, { unreadOnly: true });
    expect(unread.edges.map((e) => e.node.title)).toEqual([
      `Order ${orders[1]!.number} received`,
      `Order ${orders[0]!.number} received`,
    ]);

    const other = await h.call(customer(), NOTIFICATIONS, { id: user.userId });
    expect(other.errors).toBeUndefined();
    expect(other.data._entities[0].notifications.edges).toEqual([]);
    const anonymous = await h.call(null, NOTIFICATIONS, { id: user.userId });
    expect(anonymous.data._entities[0].notifications.edges).toEqual([]);
    const byAdmin = await h.call(admin(), NOTIFICATIONS, { id: user.userId });
    expect(byAdmin.data._entities[0].notifications.edges).toHaveLength(3);

    const bad = await h.call(user, NOTIFICATIONS, { id: user.userId, first: 500 });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('markNotificationRead: own notification only; others look missing', async () => {
    const user = customer();
    await h.publish(orderCreated(newOrder(user.userId, ++seq)));
    await h.settle();
    const [row] = await rowsOf('notifications', user.userId);

    const stranger = await h.call(customer(), MARK_READ, { id: row!.id });
    const missing = await h.call(user, MARK_READ, { id: randomUUID() });
    const malformed = await h.call(user, MARK_READ, { id: 'not-a-uuid' });
    for (const result of [stranger, missing, malformed]) {
      expect(result.errors).toBeUndefined();
      expect(result.data.markNotificationRead).toEqual({
        notification: null,
        userErrors: [
          { code: 'NOTIFICATION_NOT_FOUND', message: 'Notification not found', field: ['id'] },
        ],
      });
    }
    const [untouched] = await rowsOf('notifications', user.userId);
    expect(untouched!.read_at).toBeNull();

    const anonymous = await h.call(null, MARK_READ, { id: row!.id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const own = await h.call(user, MARK_READ, { id: row!.id });
    expect(own.data.markNotificationRead).toEqual({
      notification: { id: row!.id, read: true, kind: 'ORDER_RECEIVED' },
      userErrors: [],
    });
    const [read] = await rowsOf('notifications', user.userId);
    expect(read!.read_at).toBeInstanceOf(Date);
    // Idempotent: the first read time stays.
    await h.call(user, MARK_READ, { id: row!.id });
    const [again] = await rowsOf('notifications', user.userId);
    expect(again!.read_at).toEqual(read!.read_at);
  });
});
