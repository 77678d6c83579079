import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import {
  gql,
  percentile,
  round,
  runPool,
  sleep,
  startAttackGraph,
  type AttackGraph,
  type RawResponse,
} from './support';

// docs/SECURITY.md §6 E1–E2: load at a FIXED OPEN-LOOP rate with an error budget, on Postgres
// (DATABASE_URL, as in CI; PGlite when unset). The whole graph (gateway + 7 subgraphs) and the
// load generator share this process on a 2-core box that other suites also use, so:
// - each run lasts 15 s, not the design's 60 s (CI must stay under 20 min in total);
// - the rate is 50% of a short closed-loop maximum measured first, capped so the box is not
//   saturated;
// - latency bounds are ~2× the design's (p95 100 → 200 ms, p99 250 → 500 ms, checkout p99
//   500 → 1,000 ms): same-process load generation and a shared CPU add queueing the design's
//   separate-machine numbers do not have.
// Latency is measured from each request's SCHEDULED send time (no coordinated omission).
// No unprotected counterpart: these are capacity/correctness budgets, not protections.

const RUN_MS = 15_000;
const E1_RATE_CAP = 150;
const E1_P95_MS = 200;
const E1_P99_MS = 500;
/**
 * E2 operations per second on Postgres. On the PGlite fallback (one in-process WASM connection
 * serving all seven subgraphs on this event loop) 40/s saturates it, so it runs at 15/s.
 */
const E2_RATE = { postgres: 40, pglite: 15 } as const;
const E2_CHECKOUT_P99_MS = 1_000;
const E2_USERS = 40;

const PRODUCT_PAGE = `query ProductPage($slug: String!) {
  product(slug: $slug) {
    id name description status
    priceRange { min { amount currencyCode } max { amount currencyCode } }
    variants { id sku name price { amount currencyCode } inStock attributes { name value } }
    category { id name path { name slug } }
  }
}`;
const CATALOG_PAGE = `query Catalog($first: Int!) {
  products(first: $first) {
    totalCount
    edges { cursor node { id slug name priceRange { min { amount currencyCode } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ADD_LINES = `mutation AddLines($input: AddCartLinesInput!) {
  addCartLines(input: $input) {
    cart { id totalQuantity subtotal { amount currencyCode } }
    userErrors { code message }
  }
}`;
const MY_CART = `query MyCart { me { id cart { id totalQuantity lines { variantId quantity } } } }`;
const CHECKOUT = `mutation Checkout($input: CheckoutInput!) {
  checkout(input: $input) { order { id status } userErrors { code message variantId } }
}`;
const PAY = `mutation Pay($input: PayOrderInput!) {
  payOrder(input: $input) { payment { id status } userErrors { code message } }
}`;
const ADDRESS = {
  fullName: 'Ada Lovelace',
  line1: '12 Analytical Row',
  city: 'London',
  postalCode: 'N1 9GU',
  countryCode: 'GB',
};
const TEST_CARD = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };

/**
 * Calls `fire` at `rate` per second for `durationMs` without waiting for answers (open loop);
 * a call due while `maxInFlight` are pending is dropped and counted.
 */
async function openLoop(options: {
  rate: number;
  durationMs: number;
  maxInFlight: number;
  fire: (index: number, scheduledAt: number) => Promise<void>;
}) {
  const start = performance.now();
  const pending = new Set<Promise<void>>();
  let scheduled = 0;
  let dropped = 0;
  for (let i = 0; ; i++) {
    const due = start + (i * 1000) / options.rate;
    if (due - start >= options.durationMs) break;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    scheduled += 1;
    if (pending.size >= options.maxInFlight) {
      dropped += 1;
      continue;
    }
    const call = options.fire(i, due).finally(() => pending.delete(call));
    pending.add(call);
  }
  await Promise.all(pending);
  return { scheduled, dropped, seconds: round((performance.now() - start) / 1000) };
}

/** A GraphQL answer is good when HTTP 200 and no `errors`. */
const clean = (r: RawResponse) => r.status === 200 && !r.json?.errors?.length && !!r.json?.data;

describe('load with an error budget (docs/SECURITY.md §6 E)', () => {
  let t: AttackGraph;
  let slugs: string[];
  let maxRps: number;

  beforeAll(async () => {
    t = await startAttackGraph({ production: true, subgraphTimeoutMs: 2_000 });
    const catalog = await gql(t.url, CATALOG_PAGE, { first: 40 });
    slugs = (
      catalog.json?.data as { products: { edges: Array<{ node: { slug: string } }> } }
    ).products.edges.map((e) => e.node.slug);
    expect(slugs.length).toBeGreaterThan(5);
    console.log(`[E] database: ${t.target}`);
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('E1: catalog/product pages at 50% of the measured max (open loop, 15 s) → error rate < 0.1%, p95/p99 bounds', async () => {
    // Closed-loop maximum: 8 connections for 3 s on the product page.
    const calibration = await autocannon({
      url: t.url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: PRODUCT_PAGE, variables: { slug: slugs[0] } }),
      connections: 8,
      duration: 3,
    });
    maxRps = calibration.requests.average;
    expect(calibration.errors).toBe(0);
    expect(calibration.non2xx).toBe(0);
    const rate = Math.max(10, Math.min(E1_RATE_CAP, Math.floor(maxRps * 0.5)));

    const latencies: number[] = [];
    let errors = 0;
    const samples: string[] = [];
    const run = await openLoop({
      rate,
      durationMs: RUN_MS,
      maxInFlight: 256,
      fire: async (i, scheduledAt) => {
        const response =
          i % 2 === 0
            ? await gql(t.url, PRODUCT_PAGE, { slug: slugs[i % slugs.length] }).catch(
                () => undefined,
              )
            : await gql(t.url, CATALOG_PAGE, { first: 20 }).catch(() => undefined);
        latencies.push(performance.now() - scheduledAt);
        if (!response || !clean(response)) {
          errors += 1;
          if (response && samples.length < 3) samples.push(response.text.slice(0, 300));
        }
      },
    });
    const total = run.scheduled;
    const summary = {
      closedLoopMaxRps: round(maxRps),
      rate,
      ...run,
      errors,
      errorRate: (errors + run.dropped) / total,
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
      max: round(Math.max(...latencies)),
    };
    console.log('[E1]', JSON.stringify(summary), samples);
    expect(total).toBeGreaterThanOrEqual(rate * 14);
    expect(summary.errorRate).toBeLessThan(0.001);
    expect(summary.p95).toBeLessThan(E1_P95_MS);
    expect(summary.p99).toBeLessThan(E1_P99_MS);
  });

  it('E2: cart + checkout mix (10% checkout) at a fixed rate (15 s) → error rate < 0.5% excl. OUT_OF_STOCK, checkout p99 bound, 0 oversell, 0 duplicate charges', async () => {
    const db = t.graph.database;
    // Shoppers (registration hashes passwords: a few at a time).
    const users = await runPool(
      Array.from({ length: E2_USERS }, (_, i) => i),
      4,
      async (i) => {
        const email = `e2-${Date.now()}-${i}@example.com`;
        const r = await gql(
          t.url,
          'mutation($input: RegisterInput!) { register(input: $input) { accessToken userErrors { code } } }',
          { input: { email, password: 'Sturdy-pass-42', name: `Shopper ${i}` } },
        );
        const token = (r.json?.data as { register: { accessToken: string | null } }).register
          .accessToken;
        if (!token) throw new Error(`register failed: ${r.text}`);
        return {
          token,
          cartId: undefined as string | undefined,
          // The cart total after the last add: what this shopper was shown and confirms.
          total: undefined as { amount: number; currencyCode: string } | undefined,
          busy: false,
          lines: 0,
        };
      },
    );
    // One scarce variant everybody wants (stock 8, 5 on PGlite: sold out within the run, so the oversell
    // checks run under real contention) and plenty of others.
    const variants = await db.query<{ id: string; stock: number }>(
      'select id, stock_on_hand as stock from product.variants where stock_on_hand >= 50 order by id limit 6',
    );
    expect(variants.length).toBe(6);
    const scarce = variants[0]!.id;
    const others = variants.slice(1).map((v) => v.id);
    const admin = await gql(
      t.url,
      'mutation($input: LoginInput!) { login(input: $input) { accessToken } }',
      { input: DEMO_ACCOUNTS.admin },
    );
    const adminToken = (admin.json?.data as { login: { accessToken: string } }).login.accessToken;
    const initialStock = t.target === 'postgres' ? 8 : 5;
    const set = await gql(
      t.url,
      'mutation($id: ID!, $input: UpdateVariantInput!) { updateVariant(id: $id, input: $input) { variant { stockOnHand } userErrors { code } } }',
      { id: scarce, input: { stockOnHand: initialStock } },
      adminToken,
    );
    expect(set.json?.data).toMatchObject({
      updateVariant: { variant: { stockOnHand: initialStock }, userErrors: [] },
    });
    const stockOf = async (id: string) =>
      (
        await db.query<{ s: number }>(
          'select stock_on_hand as s from product.variants where id = $1',
          [id],
        )
      )[0]!.s;
    const othersBefore = new Map(
      await Promise.all(others.map(async (id) => [id, await stockOf(id)] as const)),
    );

    const latencies = {
      add: [] as number[],
      cart: [] as number[],
      checkout: [] as number[],
      pay: [] as number[],
    };
    const counts = { ops: 0, errors: 0, outOfStock: 0, orders: 0, paid: 0, busyDrops: 0 };
    const samples: string[] = [];
    const fail = (what: string, r?: RawResponse) => {
      counts.errors += 1;
      if (samples.length < 5) samples.push(`${what}: ${r ? r.text.slice(0, 300) : 'no response'}`);
    };
    let minStockSeen = initialStock;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        minStockSeen = Math.min(minStockSeen, await stockOf(scarce));
        await sleep(250);
      }
    })();

    const checkout = async (user: (typeof users)[number], scheduledAt: number) => {
      const cartId = user.cartId!;
      const r = await gql(
        t.url,
        CHECKOUT,
        {
          input: {
            cartId,
            shippingAddress: ADDRESS,
            idempotencyKey: randomUUID(),
            expectedTotal: user.total,
          },
        },
        user.token,
      ).catch(() => undefined);
      latencies.checkout.push(performance.now() - scheduledAt);
      const payload = (
        r?.json?.data as
          | { checkout?: { order: { id: string } | null; userErrors: Array<{ code: string }> } }
          | undefined
      )?.checkout;
      if (!r || r.status !== 200 || r.json?.errors?.length || !payload) return fail('checkout', r);
      if (payload.userErrors.length) {
        if (payload.userErrors.every((e) => e.code === 'OUT_OF_STOCK')) counts.outOfStock += 1;
        else fail('checkout userErrors', r);
        return;
      }
      counts.orders += 1;
      const orderId = payload.order!.id;
      const payStarted = performance.now();
      const p = await gql(
        t.url,
        PAY,
        { input: { orderId, card: TEST_CARD, idempotencyKey: randomUUID() } },
        user.token,
      ).catch(() => undefined);
      latencies.pay.push(performance.now() - payStarted);
      const paid = (
        p?.json?.data as { payOrder?: { payment: { status: string } | null } } | undefined
      )?.payOrder?.payment;
      if (!p || p.status !== 200 || p.json?.errors?.length || !paid) return fail('pay', p);
      counts.paid += 1;
      // The cart is converted asynchronously (order.created event): wait for it so this
      // shopper's next line goes to a new cart (bookkeeping, not measured).
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        const c = await gql(t.url, MY_CART, undefined, user.token);
        const current = (c.json?.data as { me: { cart: { id: string } | null } } | undefined)?.me
          .cart;
        if (!current || current.id !== cartId) break;
        await sleep(50);
      }
      user.cartId = undefined;
      user.total = undefined;
      user.lines = 0;
    };

    const run = await openLoop({
      rate: E2_RATE[t.target],
      durationMs: RUN_MS,
      maxInFlight: 256,
      fire: async (i, scheduledAt) => {
        counts.ops += 1;
        const idle = users.filter((u) => !u.busy);
        if (idle.length === 0) {
          counts.busyDrops += 1;
          return;
        }
        const user = idle[i % idle.length]!;
        user.busy = true;
        try {
          const roll = i % 10;
          if (roll === 0 && user.cartId && user.lines > 0) {
            await checkout(user, scheduledAt);
          } else if (roll < 6 || !user.cartId) {
            const variantId = i % 3 === 0 ? scarce : others[i % others.length]!;
            const r = await gql(
              t.url,
              ADD_LINES,
              { input: { lines: [{ variantId, quantity: 1 }] } },
              user.token,
            ).catch(() => undefined);
            latencies.add.push(performance.now() - scheduledAt);
            const payload = (
              r?.json?.data as
                | {
                    addCartLines?: {
                      cart: {
                        id: string;
                        subtotal: { amount: number; currencyCode: string } | null;
                      } | null;
                      userErrors: unknown[];
                    };
                  }
                | undefined
            )?.addCartLines;
            const codes = (payload?.userErrors ?? []) as Array<{ code?: string }>;
            if (
              r &&
              clean(r) &&
              codes.length > 0 &&
              codes.every((e) => e.code === 'OUT_OF_STOCK')
            ) {
              // The scarce variant is sold out: a clean refusal, outside the error budget.
              counts.outOfStock += 1;
              return;
            }
            if (!r || !clean(r) || !payload?.cart || codes.length) return fail('add', r);
            user.cartId = payload.cart.id;
            user.total = payload.cart.subtotal ?? undefined;
            user.lines += 1;
          } else {
            const r = await gql(t.url, MY_CART, undefined, user.token).catch(() => undefined);
            latencies.cart.push(performance.now() - scheduledAt);
            if (!r || !clean(r)) return fail('cart', r);
          }
        } finally {
          user.busy = false;
        }
      },
    });
    sampling = false;
    await sampler;

    // Correctness: stock moved by exactly what was sold, never below 0; at most one payment per
    // order and one authorization per payment.
    const sold = async (id: string) =>
      Number(
        (
          await db.query<{ n: string | null }>(
            'select coalesce(sum(quantity), 0) as n from "order".order_lines where variant_id = $1',
            [id],
          )
        )[0]!.n,
      );
    const finalScarce = await stockOf(scarce);
    const soldScarce = await sold(scarce);
    const othersOk = await Promise.all(
      others.map(async (id) => (await stockOf(id)) === othersBefore.get(id)! - (await sold(id))),
    );
    const duplicatePayments = await db.query(
      'select order_id, count(*) from payment.payments group by order_id having count(*) > 1',
    );
    const duplicateAuths = await db.query(
      "select payment_id, count(*) from payment.transactions where type = 'AUTHORIZATION' group by payment_id having count(*) > 1",
    );
    const payments = Number(
      (await db.query<{ n: string }>('select count(*) as n from payment.payments'))[0]!.n,
    );
    const orders = Number(
      (await db.query<{ n: string }>('select count(*) as n from "order".orders'))[0]!.n,
    );

    const p99 = (xs: number[]) => round(percentile(xs, 99));
    const summary = {
      rate: E2_RATE[t.target],
      ...run,
      ...counts,
      errorRate: (counts.errors + counts.busyDrops + run.dropped) / run.scheduled,
      p99: {
        add: p99(latencies.add),
        cart: p99(latencies.cart),
        checkout: p99(latencies.checkout),
        pay: p99(latencies.pay),
      },
      scarce: { initialStock, soldScarce, finalScarce, minStockSeen },
      orders,
      payments,
    };
    console.log('[E2]', JSON.stringify(summary), samples);
    expect(run.scheduled).toBeGreaterThanOrEqual(E2_RATE[t.target] * 14);
    expect(summary.errorRate).toBeLessThan(0.005);
    expect(latencies.checkout.length).toBeGreaterThan(E2_RATE[t.target] / 2);
    expect(counts.orders).toBeGreaterThan(5);
    expect(counts.outOfStock).toBeGreaterThan(0);
    expect(summary.p99.checkout).toBeLessThan(E2_CHECKOUT_P99_MS);
    // 0 oversell.
    expect(finalScarce).toBe(initialStock - soldScarce);
    expect(finalScarce).toBeGreaterThanOrEqual(0);
    expect(minStockSeen).toBeGreaterThanOrEqual(0);
    expect(othersOk.every(Boolean)).toBe(true);
    // 0 duplicate charges; every order paid once.
    expect(duplicatePayments).toEqual([]);
    expect(duplicateAuths).toEqual([]);
    expect(orders).toBe(counts.orders);
    expect(payments).toBe(counts.paid);
  });
});
