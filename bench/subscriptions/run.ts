/**
 * Subscription benchmark (issue 4). Starts the whole graph in this process (PGlite, or Postgres
 * with DATABASE_URL), then measures on this machine:
 *  1. checkout → notification delivered to a graphql-ws client subscribed through the gateway
 *     (embedded event bus), p50/p99 over N checkouts;
 *  2. fan-out: time from one order event until 10,000 subscribers of that order (one upstream
 *     subscription) have all received it.
 * Run: `npx tsx bench/subscriptions/run.ts` (env: CHECKOUTS, SUBSCRIBERS, SOCKETS). Traffic stays
 * on 127.0.0.1. Writes bench/subscriptions/results.json and prints a markdown table.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startEmbeddedGraph } from '@shop/embedded';
import { postGraphQL } from '@shop/testing';
import { ADD_LINES, ADDRESS, CHECKOUT, PAY, TEST_CARD } from '@shop/embedded/e2e/operations';

const CHECKOUTS = Number(process.env.CHECKOUTS ?? 100);
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 10_000);
const SOCKETS = Number(process.env.SOCKETS ?? Math.ceil(SUBSCRIBERS / 25)); // 25 per connection (the default limit)

const graph = await startEmbeddedGraph({
  databaseUrl: process.env.DATABASE_URL,
  port: 0,
  seed: true,
  // Request rate limits off: one customer checks out in a loop and opens every fan-out
  // subscription, far past the per-user and per-IP budgets (this measures latency, not limits).
  requestLimits: false,
  // One user holds all fan-out subscribers (an order is visible to its owner only).
  subscriptionLimits: {
    maxSubscriptionsPerUser: SUBSCRIBERS + 10,
    maxSubscriptions: SUBSCRIBERS + 100,
    // Every socket comes from 127.0.0.1 (default 50 per IP).
    maxConnectionsPerIp: SOCKETS + 10,
  },
});
const url = graph.gatewayUrl;
const gql = (query: string, variables: Record<string, unknown> = {}, token?: string) =>
  postGraphQL(url, { query, variables, token });

async function customer() {
  const email = `bench-${randomUUID()}@example.com`;
  const r = await gql(
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`,
    { input: { email, password: 'Bench-pass-123', name: 'Bench' } },
  );
  return r.body.data?.register.accessToken as string;
}
const ws = (token: string): Client =>
  createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });

const products = await gql(`query { products(first: 10) { edges { node { variants { id } } } } }`);
const variantIds = (
  products.body.data?.products.edges as Array<{ node: { variants: Array<{ id: string }> } }>
).flatMap((e) => e.node.variants.map((v) => v.id));
const admin = (
  await gql(
    `mutation { login(input: {email: "admin@shopgraph.dev", password: "ShopGraph-Admin-1"}) { accessToken } }`,
  )
).body.data?.login.accessToken as string;
for (const id of variantIds) {
  await gql(
    `mutation($id: ID!) { updateVariant(id: $id, input: { stockOnHand: 100000 }) { variant { id } } }`,
    { id },
    admin,
  );
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

// 1. checkout → event latency
const token = await customer();
const client = ws(token);
const waiting = new Map<string, (at: number) => void>();
const early = new Map<string, number>();
client.subscribe(
  { query: `subscription { notificationReceived { orderId kind } }` },
  {
    next: (value) => {
      const n = (
        value.data as { notificationReceived?: { orderId?: string; kind: string } } | undefined
      )?.notificationReceived;
      if (!n?.orderId) return;
      const at = performance.now();
      const resolve = waiting.get(n.orderId);
      if (resolve) resolve(at);
      else if (!early.has(n.orderId)) early.set(n.orderId, at);
    },
    error: (e) => console.error('subscription error', e),
    complete: () => undefined,
  },
);
await new Promise((resolve) => setTimeout(resolve, 500));
const fromRequest: number[] = [];
const fromResponse: number[] = [];
for (let i = 0; i < CHECKOUTS; i += 1) {
  const added = await gql(
    ADD_LINES,
    { input: { lines: [{ variantId: variantIds[i % variantIds.length], quantity: 1 }] } },
    token,
  );
  const cart = added.body.data?.addCartLines.cart;
  const sent = performance.now();
  const result = await gql(
    CHECKOUT,
    {
      input: {
        cartId: cart.id,
        shippingAddress: ADDRESS,
        idempotencyKey: randomUUID(),
        expectedTotal: cart.subtotal,
      },
    },
    token,
  );
  const answered = performance.now();
  const orderId = result.body.data?.checkout.order.id as string;
  const received =
    early.get(orderId) ?? (await new Promise<number>((resolve) => waiting.set(orderId, resolve)));
  waiting.delete(orderId);
  fromRequest.push(received - sent);
  fromResponse.push(Math.max(0, received - answered));
}
await client.dispose();

// 2. fan-out to SUBSCRIBERS subscribers of one order
const fanToken = await customer();
const added = await gql(
  ADD_LINES,
  { input: { lines: [{ variantId: variantIds[0], quantity: 1 }] } },
  fanToken,
);
const order = (
  await gql(
    CHECKOUT,
    {
      input: {
        cartId: added.body.data?.addCartLines.cart.id,
        shippingAddress: ADDRESS,
        idempotencyKey: randomUUID(),
        expectedTotal: added.body.data?.addCartLines.cart.subtotal,
      },
    },
    fanToken,
  )
).body.data?.checkout.order.id as string;
await new Promise((resolve) => setTimeout(resolve, 1000));
const sockets = Array.from({ length: SOCKETS }, () => ws(fanToken));
let snapshots = 0;
let delivered = 0;
let allDelivered: (at: number) => void = () => undefined;
const done = new Promise<number>((resolve) => (allDelivered = resolve));
for (let i = 0; i < SUBSCRIBERS; i += 1) {
  sockets[i % SOCKETS]!.subscribe(
    {
      query: `subscription($id: ID!) { orderStatusChanged(orderId: $id) { status snapshot order { number } } }`,
      variables: { id: order },
    },
    {
      next: (value) => {
        const e = (
          value.data as { orderStatusChanged?: { snapshot: boolean; status: string } } | undefined
        )?.orderStatusChanged;
        if (!e) return;
        if (e.snapshot) snapshots += 1;
        else if (e.status === 'PAYMENT_AUTHORIZED' && ++delivered === SUBSCRIBERS)
          allDelivered(performance.now());
      },
      error: (e) => console.error('fan-out subscriber error', e),
      complete: () => undefined,
    },
  );
}
while (snapshots < SUBSCRIBERS) await new Promise((resolve) => setTimeout(resolve, 50));
const stats = graph.gateway.subscriptions?.stats();
const payStart = performance.now();
await gql(
  PAY,
  { input: { orderId: order, card: TEST_CARD, idempotencyKey: randomUUID() } },
  fanToken,
);
const fanoutEnd = await done;
await Promise.all(sockets.map((s) => s.dispose()));

const results = {
  machine: {
    cpus: 2,
    node: process.version,
    database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    bus: 'embedded log',
  },
  checkoutToEvent: {
    checkouts: CHECKOUTS,
    fromCheckoutRequest: { p50: percentile(fromRequest, 50), p99: percentile(fromRequest, 99) },
    fromCheckoutResponse: { p50: percentile(fromResponse, 50), p99: percentile(fromResponse, 99) },
  },
  fanout: {
    subscribers: SUBSCRIBERS,
    sockets: SOCKETS,
    upstreamSubscriptions: stats?.upstreamSubscriptions,
    payToLastDeliveryMs: fanoutEnd - payStart,
  },
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
const ms = (v: number) => `${v.toFixed(1)} ms`;
console.log(`| measure | p50 | p99 |
|---|---|---|
| checkout request sent → event received (${CHECKOUTS} checkouts) | ${ms(results.checkoutToEvent.fromCheckoutRequest.p50)} | ${ms(results.checkoutToEvent.fromCheckoutRequest.p99)} |
| checkout response received → event received | ${ms(results.checkoutToEvent.fromCheckoutResponse.p50)} | ${ms(results.checkoutToEvent.fromCheckoutResponse.p99)} |

Fan-out: payOrder sent → all ${SUBSCRIBERS} subscribers (${SOCKETS} sockets, ${stats?.upstreamSubscriptions} upstream subscription(s)) received PAYMENT_AUTHORIZED: ${ms(results.fanout.payToLastDeliveryMs)}`);
await graph.stop();
process.exit(0);
