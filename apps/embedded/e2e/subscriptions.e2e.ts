import { randomUUID } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, graphTargets, startTestGraph, type TestGraph } from './harness';
import { ADD_LINES, ADDRESS, CHECKOUT, PAY, SHIP, TEST_CARD } from './operations';

// Federated subscriptions through the gateway: the notification subgraph owns the root field,
// the gateway hydrates `order { … }` from the order and product subgraphs for every event.
const ORDER_STATUS = `subscription OrderStatus($orderId: ID!) {
  orderStatusChanged(orderId: $orderId) {
    orderId status previousStatus version snapshot
    order { number status lines { productName quantity variant { sku product { name } } } shipment { carrier trackingNumber } }
  }
}`;

const NOTIFICATIONS = `subscription Feed($after: String) {
  notificationReceived(after: $after) { id kind title cursor orderId }
}`;

type Next = {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};

function wsClient(t: TestGraph, token?: string): Client {
  return createClient({
    url: t.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** Subscribes and collects every message; `done` resolves when it completes or errors. */
function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const events: Next[] = [];
  let error: unknown;
  let unsubscribe = () => {};
  const done = new Promise<void>((resolve) => {
    unsubscribe = client.subscribe(
      { query, variables },
      {
        next: (value) => events.push(value as Next),
        error: (e) => {
          error = e;
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { events, done, unsubscribe: () => unsubscribe(), error: () => error };
}

async function orderedCustomer(t: TestGraph) {
  const customer = await t.newCustomer();
  return { customer, order: await placeOrder(t, customer) };
}

async function placeOrder(t: TestGraph, customer: { token: string }) {
  const products = await t.gql(
    `query { products(first: 3) { edges { node { variants { id stockOnHand } } } } }`,
  );
  const variantId = (
    products.body.data?.products.edges as Array<{
      node: { variants: Array<{ id: string; stockOnHand: number }> };
    }>
  )
    .flatMap((e) => e.node.variants)
    .find((v) => v.stockOnHand > 5)!.id;
  const added = await t.gql(
    ADD_LINES,
    { input: { lines: [{ variantId, quantity: 1 }] } },
    customer.token,
  );
  const cartId = added.body.data?.addCartLines.cart.id as string;
  const checkout = await t.gql(
    CHECKOUT,
    {
      input: {
        cartId,
        shippingAddress: ADDRESS,
        idempotencyKey: randomUUID(),
        expectedTotal: added.body.data?.addCartLines.cart.subtotal,
      },
    },
    customer.token,
  );
  return checkout.body.data?.checkout.order as { id: string; number: string };
}

describe.each(graphTargets())('federated subscriptions through the gateway on %s', (target) => {
  let t: TestGraph;
  beforeAll(async () => {
    t = await startTestGraph(target, {
      subscriptionLimits: { maxSubscriptionsPerUser: 1_000 },
      // Someone else's order ends with NOT_FOUND after this wait (see docs/SUBSCRIPTIONS.md).
      pendingStreamMs: 5_000,
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should stream orderStatusChanged with cross-subgraph fields over graphql-ws and multipart HTTP', async () => {
    const { customer, order } = await orderedCustomer(t);
    // The notification subgraph learns about the order from order.created.
    const client = wsClient(t, customer.token);
    const ws = await eventually(async () => {
      const attempt = collect(client, ORDER_STATUS, { orderId: order.id });
      await Promise.race([
        attempt.done,
        eventuallyHas(attempt.events, 1, 2_000).catch(() => undefined),
      ]);
      if (attempt.events.length > 0 && !attempt.events[0]!.errors) return attempt;
      attempt.unsubscribe();
      return undefined;
    });
    const snapshot = ws.events[0]!.data!.orderStatusChanged;
    expect(snapshot).toMatchObject({
      orderId: order.id,
      status: 'PENDING_PAYMENT',
      version: 1,
      snapshot: true,
    });
    expect(snapshot.order.number).toBe(order.number);
    expect(snapshot.order.lines[0].variant.product.name).toBe(snapshot.order.lines[0].productName);

    const apollo = new ApolloClient({
      cache: new InMemoryCache(),
      link: new HttpLink({ uri: t.url, headers: { authorization: `Bearer ${customer.token}` } }),
    });
    const multipart: any[] = [];
    const apolloSub = apollo
      .subscribe({ query: gql(ORDER_STATUS), variables: { orderId: order.id } })
      .subscribe({
        next: (value) => multipart.push(value),
        error: (e) => multipart.push({ error: String(e) }),
      });
    await eventuallyHas(multipart, 1);
    // It joins the gateway's upstream subscription of the same order: its latest item first.
    expect(multipart[0].data.orderStatusChanged).toMatchObject({
      orderId: order.id,
      status: 'PENDING_PAYMENT',
      version: 1,
    });

    // Pay → PAYMENT_AUTHORIZED; admin ships → SHIPPED with tracking; both clients see both.
    await t.gql(
      PAY,
      { input: { orderId: order.id, card: TEST_CARD, idempotencyKey: randomUUID() } },
      customer.token,
    );
    await eventually(async () =>
      ws.events.some((e) => e.data?.orderStatusChanged.status === 'PAYMENT_AUTHORIZED'),
    );
    const admin = await t.adminToken();
    await t.gql(
      SHIP,
      { input: { orderId: order.id, carrier: 'UPS', trackingNumber: '1Z999AA10123456784' } },
      admin,
    );
    const shipped = await eventually(async () =>
      ws.events.find((e) => e.data?.orderStatusChanged.status === 'SHIPPED'),
    );
    expect(shipped.data!.orderStatusChanged.order.shipment).toEqual({
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
    });
    expect(shipped.data!.orderStatusChanged.snapshot).toBe(false);
    const versions = ws.events.map((e) => e.data!.orderStatusChanged.version as number);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    await eventually(async () =>
      multipart.some((m) => m.data?.orderStatusChanged.status === 'SHIPPED'),
    );
    expect(
      multipart.find((m) => m.data?.orderStatusChanged.status === 'SHIPPED').data.orderStatusChanged
        .order.shipment.carrier,
    ).toBe('UPS');

    apolloSub.unsubscribe();
    ws.unsubscribe();
    await client.dispose();
  });

  it("should not let user B subscribe to user A's order", async () => {
    const { order } = await orderedCustomer(t);
    const stranger = await t.newCustomer();
    const client = wsClient(t, stranger.token);
    const sub = collect(client, ORDER_STATUS, { orderId: order.id });
    await sub.done;
    const errors = (sub.events[0]?.errors ??
      (sub.error() as Array<{ extensions?: Record<string, unknown> }>)) as Array<{
      extensions?: Record<string, unknown>;
    }>;
    expect(JSON.stringify(errors)).toMatch(/NOT_FOUND|FORBIDDEN/);
    expect(sub.events.some((e) => e.data?.orderStatusChanged)).toBe(false);
    await client.dispose();
  });

  it('should close the socket with 4403 for an invalid token', async () => {
    const client = wsClient(t, 'not-a-token');
    const sub = collect(client, ORDER_STATUS, { orderId: randomUUID() });
    await sub.done;
    expect((sub.error() as { code?: number }).code).toBe(4403);
    await client.dispose();
  });

  it('should fan one upstream subscription out to 1,000 subscribers', async () => {
    const { customer, order } = await orderedCustomer(t);
    const engine = t.graph.gateway.subscriptions!;
    const before = engine.stats().upstreamSubscriptions;
    await eventually(async () => {
      const probe = collect(wsClient(t, customer.token), ORDER_STATUS, { orderId: order.id });
      await eventuallyHas(probe.events, 1, 2_000).catch(() => undefined);
      probe.unsubscribe();
      return probe.events[0]?.data?.orderStatusChanged;
    });
    await eventually(async () => engine.stats().upstreamSubscriptions === before);
    // 40 sockets × 25 subscriptions (the per-connection limit); this graph allows 1,000 per user.
    const clients = Array.from({ length: 40 }, () => wsClient(t, customer.token));
    const subs = Array.from({ length: 1000 }, (_, i) =>
      collect(clients[i % clients.length]!, ORDER_STATUS, { orderId: order.id }),
    );
    await eventually(async () => subs.every((s) => s.events.length >= 1), 30_000);
    expect(engine.stats().upstreamSubscriptions - before).toBe(1);

    await t.gql(
      PAY,
      { input: { orderId: order.id, card: TEST_CARD, idempotencyKey: randomUUID() } },
      customer.token,
    );
    await eventually(
      async () =>
        subs.every((s) =>
          s.events.some((e) => e.data?.orderStatusChanged.status === 'PAYMENT_AUTHORIZED'),
        ),
      30_000,
    );
    for (const s of subs) s.unsubscribe();
    await Promise.all(clients.map((c) => c.dispose()));
    await eventually(async () => engine.stats().upstreamSubscriptions === before);
  }, 120_000);

  it('should replay missed notifications to a subscriber that reconnects with after', async () => {
    const customer = await t.newCustomer();
    const client = wsClient(t, customer.token);
    const first = collect(client, NOTIFICATIONS, {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    const order = await placeOrder(t, customer);
    const created = await eventually(async () =>
      first.events.find((e) => e.data?.notificationReceived.orderId === order.id),
    );
    const cursor = created.data!.notificationReceived.cursor as string;
    first.unsubscribe();
    await client.dispose();

    // While disconnected: payment authorized → more notifications.
    await t.gql(
      PAY,
      { input: { orderId: order.id, card: TEST_CARD, idempotencyKey: randomUUID() } },
      customer.token,
    );
    await eventually(async () => {
      const feed = await t.gql(
        `query { me { notifications(first: 50) { edges { node { id orderId kind } } } } }`,
        {},
        customer.token,
      );
      const mine = (
        feed.body.data?.me.notifications.edges as Array<{ node: { orderId: string } }>
      ).filter((e) => e.node.orderId === order.id);
      return mine.length >= 2;
    });

    const again = wsClient(t, customer.token);
    const resumed = collect(again, NOTIFICATIONS, { after: cursor });
    await eventuallyHas(resumed.events, 1);
    const replayed = resumed.events.map((e) => e.data!.notificationReceived);
    expect(replayed.every((n) => n.id !== created.data!.notificationReceived.id)).toBe(true);
    expect(replayed.some((n) => n.orderId === order.id)).toBe(true);
    resumed.unsubscribe();
    await again.dispose();
  });

  it('should end subscriptions with a clear error when the notification subgraph dies, and keep serving queries', async () => {
    const { customer, order } = await orderedCustomer(t);
    const client = wsClient(t, customer.token);
    // Subscribed right after checkout: the stream waits for the order to reach the notification
    // subgraph, then starts with it.
    const sub = collect(client, ORDER_STATUS, { orderId: order.id });
    await eventuallyHas(sub.events, 1);
    expect(sub.events[0]?.data?.orderStatusChanged).toBeTruthy();
    await t.graph.subgraphs.notification!.stop();
    await Promise.race([sub.done, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    const failure = JSON.stringify(sub.error() ?? sub.events.at(-1));
    expect(failure).toMatch(/SUBGRAPH_UNAVAILABLE/);
    const health = await t.gql(`query { products(first: 1) { totalCount } }`);
    expect(health.body.data?.products.totalCount).toBeGreaterThan(0);
    await client.dispose();
  }, 60_000);
});

async function eventuallyHas(list: unknown[], count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (list.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${list.length}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
