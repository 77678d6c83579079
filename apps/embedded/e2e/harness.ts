import { randomUUID } from 'node:crypto';
import { loadSigningKey, signJwt, type SigningKey } from '@shop/auth';
import { createScratchDatabase, type GraphQLHttpResult, postGraphQL } from '@shop/testing';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import { startEmbeddedGraph, type EmbeddedGraph, type EmbeddedGraphOptions } from '../src/embedded';
import { ADD_LINES, ADDRESS, CHECKOUT, MY_CART, PAY, TEST_CARD } from './operations';

export type GraphTarget = 'pglite' | 'postgres';

/** PGlite always; Postgres too when DATABASE_URL is set (CI sets it). */
export function graphTargets(): GraphTarget[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestGraph {
  graph: EmbeddedGraph;
  url: string;
  gql<TData = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLHttpResult<TData>>;
  /** Logs in and returns the access token (fails the test on user errors). */
  login(email: string, password: string): Promise<string>;
  /** Registers a fresh customer and returns its id, email and access token. */
  newCustomer(): Promise<{ id: string; email: string; token: string }>;
  adminToken(): Promise<string>;
  /** Signs an access token with the graph's real key (to craft expired/odd tokens). */
  accessTokenKey: SigningKey;
  stop(): Promise<void>;
}

let counter = 0;

/** Starts the whole graph on free ports over a fresh database (scratch DB on Postgres). */
export async function startTestGraph(
  target: GraphTarget,
  options: Pick<
    EmbeddedGraphOptions,
    | 'bus'
    | 'kafkaBrokers'
    | 'paymentTtlSeconds'
    | 'pendingStreamMs'
    | 'redisUrl'
    | 'subscriptionLimits'
    | 'opensearchUrl'
    | 'requestLimits'
    | 'subgraphTimeoutMs'
    | 'persistedQueries'
    | 'responseCache'
    | 'cors'
    | 'oidcProviders'
    | 'accountStatus'
  > & {
    databaseUrl?: string;
  } = {},
): Promise<TestGraph> {
  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  if (target === 'postgres') {
    const scratch = await createScratchDatabase(options.databaseUrl ?? process.env.DATABASE_URL!);
    databaseUrl = scratch.url;
    dropDatabase = scratch.drop;
  }
  const accessTokenKey = await loadSigningKey();
  const { databaseUrl: _base, ...graphOptions } = options;
  const graph = await startEmbeddedGraph({
    databaseUrl,
    port: 0,
    seed: true,
    accessTokenKey,
    // Load tests send hundreds of requests from 127.0.0.1 in seconds: raise the per-IP and
    // per-user budgets (limits.e2e.ts tests the defaults).
    requestLimits: {
      perIp: { points: 1_000_000, durationMs: 60_000 },
      newOperationsPerIp: { points: 1_000_000, durationMs: 60_000 },
      perUser: { points: 1_000_000, durationMs: 60_000 },
      loginPerIp: { points: 10_000, durationMs: 60_000 },
      loginPerIpEmail: { points: 1_000, durationMs: 60_000 },
      accountCreationPerIp: { points: 10_000, durationMs: 60_000 },
    },
    // 200 concurrent checkouts on one PGlite connection take longer than the 2 s production
    // default per subgraph call; limits.e2e.ts tests the default.
    subgraphTimeoutMs: 30_000,
    ...graphOptions,
  });
  const url = graph.gatewayUrl;
  const gql: TestGraph['gql'] = (query, variables, token) =>
    postGraphQL(url, { query, variables, token });

  const login = async (email: string, password: string) => {
    const result = await gql<{ login: { accessToken: string | null; userErrors: unknown[] } }>(
      `mutation($input: LoginInput!) { login(input: $input) { accessToken userErrors { code message } } }`,
      { input: { email, password } },
    );
    const token = result.body.data?.login.accessToken;
    if (!token) throw new Error(`login failed: ${JSON.stringify(result.body)}`);
    return token;
  };

  return {
    graph,
    url,
    gql,
    login,
    accessTokenKey,
    async newCustomer() {
      counter += 1;
      const email = `customer-${Date.now()}-${counter}-${Math.random().toString(36).slice(2, 6)}@example.com`;
      const result = await gql<{
        register: { user: { id: string } | null; accessToken: string | null };
      }>(
        `mutation($input: RegisterInput!) { register(input: $input) { user { id } accessToken userErrors { code } } }`,
        { input: { email, password: 'Sturdy-pass-42', name: `Customer ${counter}` } },
      );
      const payload = result.body.data?.register;
      if (!payload?.user || !payload.accessToken)
        throw new Error(`register failed: ${JSON.stringify(result.body)}`);
      return { id: payload.user.id, email, token: payload.accessToken };
    },
    adminToken: () => login(DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.admin.password),
    async stop() {
      await graph.stop();
      await dropDatabase?.();
    },
  };
}

export { signJwt };

/** Polls `check` until it returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * `/graphql` requests the named subgraph (or every subgraph) has served so far, from their
 * Prometheus `/metrics`: "unchanged across a request" means the gateway called no subgraph.
 */
export async function subgraphRequests(t: TestGraph, subgraph?: string): Promise<number> {
  const servers = subgraph ? [t.graph.subgraphs[subgraph]!] : Object.values(t.graph.subgraphs);
  let total = 0;
  for (const server of servers) {
    const text = await (await fetch(new URL('/metrics', server.url))).text();
    for (const match of text.matchAll(
      /http_requests_total\{[^}]*route="\/graphql"[^}]*\} (\d+)/g,
    )) {
      total += Number(match[1]);
    }
  }
  return total;
}

/** The value of a gateway metric (its first series) from `/metrics`; 0 when absent. */
export async function gatewayMetric(t: TestGraph, name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', t.url))).text();
  const match = new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'm').exec(text);
  return Number(match?.[1] ?? 0);
}

/**
 * A real order through the gateway: `lines` into the customer's cart, `checkout` of the shown
 * total (the cart's subtotal) with a fresh idempotency key and, with `pay`, `payOrder` with the test card. Throws on any user error;
 * waits until the cart is converted, so the next order starts a new cart. Returns the order id.
 */
export async function placeOrder(
  t: TestGraph,
  token: string,
  lines: Array<{ variantId: string; quantity: number }>,
  options: { pay?: boolean } = {},
): Promise<string> {
  const step = async (name: string, query: string, input: Record<string, unknown>) => {
    const result = await t.gql(query, { input }, token);
    const payload = result.body.data?.[name];
    if (!payload || payload.userErrors?.length) {
      throw new Error(`${name} failed: ${JSON.stringify(result.body)}`);
    }
    return payload;
  };
  const added = await step('addCartLines', ADD_LINES, { lines });
  const checkout = await step('checkout', CHECKOUT, {
    cartId: added.cart.id,
    shippingAddress: ADDRESS,
    idempotencyKey: randomUUID(),
    // The total the customer is shown: the cart's subtotal after the add.
    expectedTotal: added.cart.subtotal,
  });
  const orderId = checkout.order.id as string;
  if (options.pay) {
    await step('payOrder', PAY, { orderId, card: TEST_CARD, idempotencyKey: randomUUID() });
  }
  await eventually(async () => (await t.gql(MY_CART, {}, token)).body.data?.me.cart === null);
  return orderId;
}
