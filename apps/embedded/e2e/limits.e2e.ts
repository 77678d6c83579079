import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createRedisClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { postGraphQL, startPrivateRedis, type PrivateRedis } from '@shop/testing';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import {
  eventually,
  startTestGraph,
  subgraphRequests as countSubgraphRequests,
  type TestGraph,
} from './harness';

// The gateway's default limits, through the real graph: requests are refused with a code before
// any subgraph is called, and a dead subgraph gives partial data with an error naming it.
describe('gateway limits and subgraph faults (default limits)', () => {
  let t: TestGraph;
  let subgraphRequests: () => Promise<number>;
  beforeAll(async () => {
    t = await startTestGraph('pglite', { requestLimits: {}, subgraphTimeoutMs: 2_000 });
    subgraphRequests = () => countSubgraphRequests(t);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should reject a too-deep query with 400 QUERY_TOO_DEEP before calling any subgraph', async () => {
    const before = await subgraphRequests();
    const deep = `query { categories { ${'children { '.repeat(14)}id${' }'.repeat(14)} } }`;
    const result = await t.gql(deep);
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(await subgraphRequests()).toBe(before);
  });

  it('should report the cost estimate of an accepted operation', async () => {
    const result = await t.gql(`query { products(first: 5) { edges { node { name } } } }`);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.extensions?.cost).toMatchObject({
      estimated: expect.any(Number),
      limit: expect.any(Number),
    });
  });

  it('should accept a full order history page thanks to the sizes the subgraphs declare (@listSize)', async () => {
    // 50 orders with every line, variant, product and payment with its ledger: with 10 items per
    // unsized list this estimates over the 10,000 limit; Order.lines, Order.payments,
    // Payment.transactions… declare `@listSize(assumedSize:)` in their subgraphs.
    const customer = await t.newCustomer();
    const result = await t.gql(
      `query FullOrderHistory {
        me { id orders(first: 50) { edges { node {
          id number status createdAt paymentStatus
          total { amount currencyCode }
          lines {
            sku productName variantName quantity
            unitPrice { amount currencyCode } lineTotal { amount currencyCode }
            variant { id name product { id name slug } attributes { name value } }
          }
          payments {
            id status amount { amount currencyCode } capturedAmount { amount currencyCode }
            card { brand last4 } transactions { id type state amount { amount currencyCode } }
          }
        } } } }
      }`,
      undefined,
      customer.token,
    );
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.me).toMatchObject({ id: customer.id, orders: { edges: [] } });
    const cost = result.body.extensions?.cost as { estimated: number; limit: number };
    expect(cost.limit).toBe(10_000);
    expect(cost.estimated).toBeGreaterThan(4_000);
    expect(cost.estimated).toBeLessThan(10_000);
  });

  it('should lower the estimate of unsized lists once it has seen their real sizes (docs/cost.md)', async () => {
    // Query.categories and Category.children declare no size: 10 each until 20 responses
    // have shown theirs (observed sizes, gateway/src/limits/observed-sizes.ts).
    const query = `query { categories { id name children { id name } } }`;
    const first = await t.gql(query);
    expect(first.body.errors).toBeUndefined();
    const blanket = (first.body.extensions?.cost as { estimated: number }).estimated;
    expect(blanket).toBe(1 + 10 * (2 + 1 + 10 * 2));
    for (let i = 0; i < 19; i++) await t.gql(query);
    const after = await t.gql(query);
    const categories = after.body.data?.categories as Array<{ children: unknown[] }>;
    const children = Math.max(1, ...categories.map((category) => category.children.length));
    expect((after.body.extensions?.cost as { estimated: number }).estimated).toBe(
      1 + Math.max(1, categories.length) * (2 + 1 + Math.min(10, children) * 2),
    );
    // The seed has fewer than 10 categories: the estimate really went down.
    expect(categories.length).toBeGreaterThan(0);
    expect(categories.length).toBeLessThan(10);
  });

  it('should count each aliased login attempt and answer 429 once the budget is spent', async () => {
    const email = DEMO_ACCOUNTS.customer.email;
    const aliases = Array.from(
      { length: 11 },
      (_, i) =>
        `a${i}: login(input: { email: "${email}", password: "wrong-${i}" }) { accessToken }`,
    ).join('\n');
    const result = await postGraphQL(t.url, { query: `mutation { ${aliases} }` });
    expect(result.status).toBe(429);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(result.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('should return partial data with an error naming a dead subgraph, quickly', async () => {
    const customer = await t.newCustomer();
    // The gateway has verified this caller's token before (its JWKS is cached), as in production.
    expect((await t.gql(`query { me { id } }`, {}, customer.token)).body.data?.me.id).toBe(
      customer.id,
    );
    await t.graph.subgraphs.user!.stop();
    const started = Date.now();
    const result = await t.gql(
      `query { products(first: 1) { totalCount } me { id } }`,
      {},
      customer.token,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result.body.data?.products.totalCount).toBeGreaterThan(0);
    expect(result.body.data?.me ?? null).toBeNull();
    const error = result.body.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'user' });
    expect(error?.message).toContain('user');
  });
});

// Tight budgets over a Redis of the test's own: every way in (POST, GET, WebSocket) counts, the
// counters live in Redis, and a successful login clears its IP + email failures.
describe('gateway rate limits in Redis (tight budgets)', () => {
  let t: TestGraph;
  let redis: PrivateRedis;
  let reader: ReturnType<typeof createRedisClient>;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    reader = createRedisClient({ url: redis.url });
    reader.on('error', () => {});
    await reader.connect();
    t = await startTestGraph('pglite', {
      redisUrl: redis.url,
      requestLimits: {
        perIp: { points: 60, durationMs: 60_000 },
        loginPerIpEmail: { points: 3, durationMs: 60_000 },
      },
    });
    // The gateway's Redis client connects in the background (requests never wait for it, and
    // count in memory until then): wait until a request's count lands in Redis.
    await eventually(async () => {
      await t.gql(`query { __typename }`);
      return (await reader.keys('ratelimit:ip:*')).length === 1;
    });
  });
  afterAll(async () => {
    await t?.stop();
    reader?.destroy();
    await redis?.stop();
  });

  const ipCount = async () => {
    const keys = await reader.keys('ratelimit:ip:*');
    expect(keys).toHaveLength(1);
    return Number(await reader.get(keys[0]!));
  };
  const login = (email: string, password: string) =>
    t.gql<{ login: { accessToken: string | null } }>(
      `mutation($email: String!, $password: String!) {
        login(input: { email: $email, password: $password }) { accessToken }
      }`,
      { email, password },
    );

  it('counts POST, GET and WebSocket operations against the same per-IP counter in Redis', async () => {
    // Other tests' traffic is in the counter too: measure the increase.
    await t.gql(`query { products(first: 1) { totalCount } }`);
    const before = await ipCount();
    await t.gql(`query { products(first: 1) { totalCount } }`);
    const get = await fetch(
      `${t.url}?query=${encodeURIComponent('query { products(first: 1) { totalCount } }')}`,
      { headers: { 'apollo-require-preflight': 'true' } },
    );
    expect(get.status).toBe(200);
    const ws = createWsClient({
      url: t.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
        let last: Record<string, unknown> = {};
        ws.subscribe(
          { query: `query { products(first: 1) { totalCount } }` },
          {
            next: (value) => (last = value as Record<string, unknown>),
            error: reject,
            complete: () => resolve(last),
          },
        );
      });
      expect(result.data).toMatchObject({ products: { totalCount: expect.any(Number) } });
    } finally {
      await ws.dispose();
    }
    expect((await ipCount()) - before).toBe(3);
  });

  it('counts consecutive login failures per IP + email: a successful login clears them', async () => {
    const customer = await t.newCustomer();
    const password = 'Sturdy-pass-42';
    const keyOf = async () => (await reader.keys('ratelimit:login:ip-email:*')).length;
    // Budget 3: two failures and a success, twice over — without the reset the 4th is refused.
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 2; i += 1) {
        const failed = await login(customer.email, `wrong-${i}`);
        expect(failed.status).toBe(200);
        expect(failed.body.data?.login.accessToken).toBeNull();
      }
      expect(await keyOf()).toBe(1);
      const ok = await login(customer.email, password);
      expect(ok.body.data?.login.accessToken).toEqual(expect.any(String));
      expect(await keyOf()).toBe(0);
    }
    // Three failures in a row spend the budget: even the right password is refused now.
    for (let i = 0; i < 3; i += 1) {
      expect((await login(customer.email.toUpperCase(), `wrong-${i}`)).status).toBe(200);
    }
    const refused = await login(customer.email, password);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('refuses GET operations over the per-IP budget with 429', async () => {
    const used = await ipCount();
    // Spend what is left of the budget with cheap GETs, then one more is refused.
    const query = encodeURIComponent('query { __typename }');
    let last: Response | undefined;
    for (let i = used; i <= 60; i += 1) {
      last = await fetch(`${t.url}?query=${query}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      if (last.status !== 200) break;
    }
    expect(last?.status).toBe(429);
    expect(last?.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await last!.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('RATE_LIMITED');
  });
});
