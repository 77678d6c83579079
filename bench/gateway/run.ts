/**
 * Gateway throughput benchmark (issue 8; not part of `pnpm test`): `pnpm bench:gateway`.
 *
 * Starts the graph as real processes on 127.0.0.1 over a scratch Postgres database — the user,
 * product, cart, order and payment subgraphs (`src/main.ts` each), our gateway
 * (`gateway/src/main.ts`, NODE_ENV=production) and a stock Apollo gateway
 * (`stock-gateway.ts`) over the same subgraph processes — seeds a customer with ORDERS real
 * checkouts through our gateway, checks that both gateways answer the three page queries
 * without errors and with equal data, then loads each query with autocannon, interleaving the
 * targets (ours, stock, each subgraph part called directly) for ROUNDS rounds. Writes
 * results.json and results.md next to this file and prints the table.
 *
 * PROFILE=1 instead loads only the order history page against our gateway started with
 * `node --cpu-prof` and writes profile.md (top functions, packages and files by self time).
 * PROFILE=<subgraph> (e.g. `order`) profiles that subgraph process instead while its direct
 * part of the order history page is loaded, and writes profile-<subgraph>.md.
 *
 * Env: ROUNDS (3), DURATION (8 s), CONNECTIONS (16), WARMUP (3 s), ORDERS (60),
 * DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres; a scratch database is created and
 * dropped), OURS_RATE_LIMITS (`raised`: limits on with budgets no load reaches, or `off`),
 * OURS_BUS (`log`: our gateway uses the Postgres event log like a deployment with a bus —
 * usage events, catalog caches invalidated by events; `none`: no bus, caches off), PROFILE (1 or a
 * subgraph name), PAGES (comma-separated page keys to load; default all), OURS_NODE_FLAGS (extra
 * `node` flags for our gateway, e.g. `--max-semi-space-size=32`), OURS_WORKERS (our gateway's
 * GATEWAY_WORKERS: processes sharing its port; default 1), OURS_EXECUTOR (our gateway's
 * GATEWAY_EXECUTOR: `plan`, the default, or `apollo`).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { decodeJwt } from 'jose';
import {
  exportPrivateJwk,
  loadSigningKey,
  mintInternalToken,
  toJwks,
  type Identity,
  type Role,
  type SigningKey,
} from '@shop/auth';
import {
  createScratchDatabase,
  freePort,
  type GraphQLHttpResult,
  postGraphQL,
} from '@shop/testing';
import { cpuPerRequest, cpuSnapshot, type Named } from './cpu';
import { childEnv, ROOT, startChild, stopAll, type Child } from './processes';
import { profileMarkdown, summarizeProfile } from './profile';
import * as Q from './queries';

const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const ROUNDS = int('ROUNDS', 3);
const DURATION = int('DURATION', 8);
const CONNECTIONS = int('CONNECTIONS', 16);
const WARMUP = int('WARMUP', 3);
const ORDERS = Math.max(50, int('ORDERS', 60));
const PROFILE_TARGET = process.env.PROFILE === '1' ? 'ours' : process.env.PROFILE || undefined;
const PROFILE = PROFILE_TARGET !== undefined;
const RATE_LIMITS = process.env.OURS_RATE_LIMITS === 'off' ? 'off' : 'raised';
const OURS_BUS = process.env.OURS_BUS === 'none' ? 'none' : 'log';
const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const OUT = new URL('./', import.meta.url);
/** PAGES=orderHistory,cartPage loads only those pages (all are still verified). */
const ONLY_PAGES = process.env.PAGES ? new Set(process.env.PAGES.split(',')) : undefined;
const SUBGRAPHS = ['user', 'product', 'cart', 'order', 'payment'] as const;
type SubgraphName = (typeof SUBGRAPHS)[number];

const log = (message: string) => console.log(`[bench] ${message}`);

// --- cleanup: every child, the JWKS server and the scratch database, also on failure/SIGINT ---

let scratch: { url: string; drop(): Promise<void> } | undefined;
let jwksServer: Server | undefined;
let cleaning: Promise<void> | undefined;
let interrupted = false;
const cleanup = () =>
  (cleaning ??= (async () => {
    await stopAll();
    await new Promise<void>((resolve) =>
      jwksServer ? jwksServer.close(() => resolve()) : resolve(),
    );
    if (scratch) {
      await scratch
        .drop()
        .catch((error: unknown) => console.error('drop scratch database:', error));
      log('scratch database dropped');
    }
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`[bench] ${signal}: stopping every child process`);
    void cleanup().finally(() => process.exit(130));
  });
}

// --- helpers ----------------------------------------------------------------------------------

interface Gql {
  query: string;
  variables?: Record<string, unknown>;
}
type Body = GraphQLHttpResult['body'];

async function call(url: string, gql: Gql, token?: string): Promise<Body> {
  const result = await postGraphQL(url, { ...gql, token });
  if (result.status !== 200 || result.body.errors?.length || !result.body.data) {
    throw new Error(
      `${url} answered ${result.status}: ${JSON.stringify(result.body).slice(0, 600)}`,
    );
  }
  return result.body;
}

/** Fails on userErrors of a mutation payload. */
function payload<T>(body: Body, field: string): T {
  const value = body.data?.[field] as { userErrors?: unknown[] } | undefined;
  if (!value || value.userErrors?.length) {
    throw new Error(`${field}: ${JSON.stringify(body).slice(0, 600)}`);
  }
  return value as T;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function gitInfo() {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const dirty = git('status', '--porcelain', '--', 'gateway', 'infra', 'subgraphs', 'schema');
  return {
    commit: git('rev-parse', 'HEAD'),
    // Others change the gateway while this runs: record that the tree was not the commit.
    uncommittedFiles: dirty ? dirty.split('\n').length : 0,
  };
}

// --- the graph --------------------------------------------------------------------------------

interface Graph {
  ours: string;
  stock: string;
  subgraphs: Record<SubgraphName, string>;
  gatewayKey: SigningKey;
  /** The process under `--cpu-prof` (PROFILE) and where it writes its profile. */
  profiled: Child | undefined;
  profileDir: string | undefined;
  /** Every process of the graph, for the CPU accounting. */
  processes: Named[];
}

async function startGraph(logDir: string): Promise<Graph> {
  scratch = await createScratchDatabase(BASE_URL, 'shop_bench_gateway');
  log(`scratch database ${new URL(scratch.url).pathname.slice(1)}`);
  // One internal trust root, as in production: the gateways sign their per-request tokens and
  // the subgraphs their service calls with it; every subgraph trusts its JWKS.
  const gatewayKey = await loadSigningKey();
  const gatewayJwk = JSON.stringify(await exportPrivateJwk(gatewayKey));
  const accessJwk = JSON.stringify(await exportPrivateJwk(await loadSigningKey()));
  jwksServer = createServer((req, res) => {
    const found = req.url === '/.well-known/jwks.json';
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(found ? JSON.stringify(toJwks([gatewayKey])) : '{}');
  });
  await new Promise<void>((resolve) => jwksServer!.listen(0, '127.0.0.1', resolve));
  const jwksAddress = jwksServer.address();
  const jwksUrl = `http://127.0.0.1:${typeof jwksAddress === 'object' && jwksAddress ? jwksAddress.port : 0}/.well-known/jwks.json`;

  const port = Object.fromEntries(
    await Promise.all(
      [...SUBGRAPHS, 'ours', 'stock', 'unused'].map(async (name) => [name, await freePort()]),
    ),
  ) as Record<SubgraphName | 'ours' | 'stock' | 'unused', number>;
  const url = (p: number) => `http://127.0.0.1:${p}/graphql`;
  const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((s) => [s, url(port[s])])) as Record<
    SubgraphName,
    string
  >;
  const common = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: scratch.url,
    GATEWAY_JWKS_URL: jwksUrl,
    INTERNAL_PRIVATE_JWK: gatewayJwk,
    KAFKA_BROKERS: '',
    REDIS_URL: '',
  };
  const extra: Record<SubgraphName, Record<string, string>> = {
    user: { AUTH_PRIVATE_JWK: accessJwk },
    product: { SEED: 'true' },
    cart: {
      CART_TOKEN_SECRET: randomUUID().replaceAll('-', ''),
      SUBGRAPH_PRODUCT_URL: subgraphUrls.product,
    },
    // Unpaid orders must not expire (and change) while the benchmark runs.
    order: {
      PAYMENT_TTL_SECONDS: '86400',
      SUBGRAPH_CART_URL: subgraphUrls.cart,
      SUBGRAPH_PRODUCT_URL: subgraphUrls.product,
    },
    payment: { SUBGRAPH_ORDER_URL: subgraphUrls.order },
  };
  const profileDir = PROFILE ? mkdtempSync(join(tmpdir(), 'shop-bench-cpuprof-')) : undefined;
  const cpuProf = (name: string) =>
    profileDir && PROFILE_TARGET === name
      ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] }
      : {};
  let profiled: Child | undefined;
  const processes: Named[] = [];
  // One at a time: each runs its own migrations and seed against the shared database.
  for (const name of SUBGRAPHS) {
    const started = performance.now();
    const child = await startChild(
      {
        name,
        cwd: `subgraphs/${name}`,
        entry: 'src/main.ts',
        env: childEnv({ ...common, ...extra[name], PORT: String(port[name]) }),
        readyUrl: subgraphUrls[name],
        ...cpuProf(name),
      },
      logDir,
    );
    if (PROFILE_TARGET === name) profiled = child;
    processes.push({ name, pid: child.pid });
    log(`${name} subgraph ready on :${port[name]} (${Math.round(performance.now() - started)} ms)`);
  }

  // Both gateways: same key, same subgraph processes, production mode, no usage reporting.
  // Subgraphs the queries never reach (notification, analytics) point at a closed port.
  const gatewayEnv = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    GATEWAY_PRIVATE_JWK: gatewayJwk,
    USER_JWKS_URL: `http://127.0.0.1:${port.user}/.well-known/jwks.json`,
    KAFKA_BROKERS: '',
    REDIS_URL: '',
    ...Object.fromEntries(
      SUBGRAPHS.map((s) => [`SUBGRAPH_${s.toUpperCase()}_URL`, subgraphUrls[s]]),
    ),
    SUBGRAPH_NOTIFICATION_URL: url(port.unused),
    SUBGRAPH_ANALYTICS_URL: url(port.unused),
  };
  const [oursChild, stockChild] = await Promise.all([
    startChild(
      {
        name: 'ours',
        cwd: 'gateway',
        entry: 'src/main.ts',
        env: childEnv({
          ...gatewayEnv,
          PORT: String(port.ours),
          // As deployed: an event bus (here the Postgres event log shared with the subgraphs)
          // turns on usage reporting and the catalog response/entity caches, invalidated by
          // catalog and inventory events. OURS_BUS=none runs it without (caches off).
          ...(OURS_BUS === 'log' ? { DATABASE_URL: scratch!.url } : {}),
          // OURS_WORKERS=2: our gateway as 2 processes sharing the port (gateway/src/workers.ts).
          ...(process.env.OURS_WORKERS ? { GATEWAY_WORKERS: process.env.OURS_WORKERS } : {}),
          // OURS_EXECUTOR=apollo: our gateway with @apollo/gateway's executor (ours: `plan`).
          ...(process.env.OURS_EXECUTOR ? { GATEWAY_EXECUTOR: process.env.OURS_EXECUTOR } : {}),
          ...(RATE_LIMITS === 'off'
            ? { RATE_LIMITS: 'off' }
            : { RATE_LIMIT_PER_IP: '1000000000', RATE_LIMIT_PER_USER: '1000000000' }),
        }),
        readyUrl: url(port.ours),
        ...(process.env.OURS_NODE_FLAGS
          ? {
              nodeFlags: [
                ...process.env.OURS_NODE_FLAGS.split(' '),
                ...(cpuProf('ours').nodeFlags ?? []),
              ],
            }
          : cpuProf('ours')),
      },
      logDir,
    ),
    startChild(
      {
        name: 'stock',
        cwd: 'bench',
        entry: 'gateway/stock-gateway.ts',
        env: childEnv({ ...gatewayEnv, PORT: String(port.stock) }),
        readyUrl: url(port.stock),
      },
      logDir,
    ),
  ]);
  log(`gateways ready: ours :${port.ours}, stock :${port.stock}`);
  return {
    ours: url(port.ours),
    stock: url(port.stock),
    subgraphs: subgraphUrls,
    gatewayKey,
    profiled: PROFILE_TARGET === 'ours' ? oursChild : profiled,
    profileDir,
    processes: [
      ...processes,
      { name: 'ours', pid: oursChild.pid },
      { name: 'stock', pid: stockChild.pid },
    ],
  };
}

// --- seeding (real checkouts through our gateway) ---------------------------------------------

const PASSWORD = 'Bench-pass-1234';

async function login(gateway: string, email: string, password = PASSWORD): Promise<string> {
  const body = await call(gateway, { query: Q.LOGIN, variables: { input: { email, password } } });
  return payload<{ accessToken: string }>(body, 'login').accessToken;
}

async function seed(gateway: string): Promise<string> {
  const started = performance.now();
  const admin = await login(gateway, 'admin@shopgraph.dev', 'ShopGraph-Admin-1');
  const catalog = await call(gateway, { query: Q.SEED_VARIANTS });
  const products = catalog.data!.products as {
    edges: Array<{ node: { variants: Array<{ id: string }> } }>;
  };
  // 40 variants of different products (the first variant of each), enough stock for any run.
  const pool = products.edges
    .map((edge) => edge.node.variants[0]?.id)
    .filter((id): id is string => !!id)
    .slice(0, 40);
  if (pool.length < 20) throw new Error(`catalog too small: ${pool.length} products`);
  for (const id of pool) {
    payload(
      await call(
        gateway,
        { query: Q.SET_STOCK, variables: { id, input: { stockOnHand: 100_000 } } },
        admin,
      ),
      'updateVariant',
    );
  }

  const email = `bench-${Date.now().toString(36)}@example.com`;
  const registered = payload<{ accessToken: string }>(
    await call(gateway, {
      query: Q.REGISTER,
      variables: { input: { email, password: PASSWORD, name: 'Bench Customer' } },
    }),
    'register',
  );
  const token = registered.accessToken;
  const lines = (first: number, count: number) =>
    Array.from({ length: count }, (_, k) => ({
      variantId: pool[(first + k * 11) % pool.length]!,
      quantity: 1 + (k % 2),
    }));
  let paid = 0;
  for (let i = 0; i < ORDERS; i += 1) {
    const added = payload<{
      cart: { id: string; subtotal: { amount: number; currencyCode: string } };
    }>(
      await call(
        gateway,
        { query: Q.ADD_CART_LINES, variables: { input: { lines: lines(i * 5, 2 + (i % 3)) } } },
        token,
      ),
      'addCartLines',
    );
    const checkout = payload<{ order: { id: string } }>(
      await call(
        gateway,
        {
          query: Q.CHECKOUT,
          variables: {
            input: {
              cartId: added.cart.id,
              shippingAddress: Q.SHIPPING_ADDRESS,
              idempotencyKey: randomUUID(),
              expectedTotal: added.cart.subtotal,
            },
          },
        },
        token,
      ),
      'checkout',
    );
    // The cart turns CONVERTED when the order's event reaches the cart subgraph: lines added
    // before that would land in the converted cart (and be lost), so wait for it.
    await convertedCart(gateway, token);
    if (i % 3 === 0) {
      payload(
        await call(
          gateway,
          {
            query: Q.PAY_ORDER,
            variables: {
              input: {
                orderId: checkout.order.id,
                card: Q.TEST_CARD,
                idempotencyKey: randomUUID(),
              },
            },
          },
          token,
        ),
        'payOrder',
      );
      paid += 1;
    }
  }
  // The cart of the cart page: 6 lines, not checked out.
  payload(
    await call(
      gateway,
      { query: Q.ADD_CART_LINES, variables: { input: { lines: lines(3, 4) } } },
      token,
    ),
    'addCartLines',
  );
  payload(
    await call(
      gateway,
      { query: Q.ADD_CART_LINES, variables: { input: { lines: lines(7, 2) } } },
      token,
    ),
    'addCartLines',
  );
  log(
    `seeded ${ORDERS} orders (${paid} paid) and a cart in ${Math.round((performance.now() - started) / 1000)} s`,
  );
  return email;
}

async function convertedCart(gateway: string, token: string) {
  const deadline = Date.now() + 15_000;
  while ((await call(gateway, { query: Q.MY_CART_ID }, token)).data?.cart) {
    if (Date.now() > deadline) throw new Error('the checked-out cart is still ACTIVE after 15 s');
    await sleep(25);
  }
}

/** Waits until the event-driven parts (payment → order status) stop changing the pages. */
async function settle(gateway: string, token: string) {
  let last: unknown;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const now = await Promise.all([
      call(gateway, { query: Q.ORDER_HISTORY, variables: Q.ORDER_HISTORY_VARIABLES }, token),
      call(gateway, { query: Q.CART_PAGE }, token),
    ]).then((bodies) => bodies.map((body) => body.data));
    if (last && isDeepStrictEqual(now, last)) return;
    if (Date.now() > deadline) throw new Error('the seeded data keeps changing after 60 s');
    last = now;
    await sleep(1_500);
  }
}

// --- targets ----------------------------------------------------------------------------------

interface Page {
  key: 'productListing' | 'cartPage' | 'orderHistory';
  title: string;
  gql: Gql;
  /** Needs the customer's access token. */
  signedIn: boolean;
}

const PAGES: Page[] = [
  {
    key: 'productListing',
    title: 'product listing (product; anonymous)',
    gql: { query: Q.PRODUCT_LISTING, variables: Q.PRODUCT_LISTING_VARIABLES },
    signedIn: false,
  },
  {
    key: 'cartPage',
    title: 'cart + user (user → cart → product)',
    gql: { query: Q.CART_PAGE },
    signedIn: true,
  },
  {
    key: 'orderHistory',
    title: 'order history, 50 orders (user → order → product ∥ payment ∥ user)',
    gql: { query: Q.ORDER_HISTORY, variables: Q.ORDER_HISTORY_VARIABLES },
    signedIn: true,
  },
];

/** One request of the subgraph part of a page, sent straight to that subgraph. */
interface DirectStep {
  label: string;
  subgraph: SubgraphName;
  url: string;
  gql: Gql;
  /** The identity its internal token carries (null: anonymous). */
  identity: Identity | null;
}

const reps = (typename: string, ids: Iterable<string>) => ({
  representations: [...new Set(ids)].map((id) => ({ __typename: typename, id })),
});

/**
 * Runs the subgraph part of a page once, subgraph by subgraph as the query plan does, and
 * returns the steps (with the real representations) for the load; fails on any error.
 */
async function directSteps(
  page: Page,
  graph: Graph,
  identity: Identity | null,
): Promise<DirectStep[]> {
  const steps: DirectStep[] = [];
  const run = async (label: string, subgraph: SubgraphName, gql: Gql) => {
    const step = { label, subgraph, url: graph.subgraphs[subgraph], gql, identity };
    const token = await mintInternalToken(graph.gatewayKey, subgraph, identity);
    const body = await call(step.url, gql, token);
    const list = body.data?._entities as unknown[] | undefined;
    if (list && list.some((entity) => entity === null)) {
      throw new Error(`${label}: null entities ${JSON.stringify(body).slice(0, 300)}`);
    }
    steps.push(step);
    return body.data!;
  };
  if (page.key === 'productListing') {
    await run('product: products', 'product', page.gql);
  } else if (page.key === 'cartPage') {
    const me = (await run('user: me', 'user', { query: Q.DIRECT.me })).me as { id: string };
    const [user] = (
      await run('cart: User.cart', 'cart', {
        query: Q.DIRECT.userCart,
        variables: reps('User', [me.id]),
      })
    )._entities as Array<{ cart: { lines: Array<{ variant: { id: string } }> } }>;
    await run('product: Variant ×' + user!.cart.lines.length, 'product', {
      query: Q.DIRECT.cartVariants,
      variables: reps(
        'Variant',
        user!.cart.lines.map((line) => line.variant.id),
      ),
    });
  } else {
    const me = (await run('user: me', 'user', { query: Q.DIRECT.meId })).me as { id: string };
    const [user] = (
      await run('order: User.orders', 'order', {
        query: Q.DIRECT.userOrders,
        variables: reps('User', [me.id]),
      })
    )._entities as Array<{
      orders: {
        edges: Array<{
          node: { id: string; customer: { id: string }; lines: Array<{ variant: { id: string } }> };
        }>;
      };
    }>;
    const orders = user!.orders.edges.map((edge) => edge.node);
    const variants = reps(
      'Variant',
      orders.flatMap((order) => order.lines.map((line) => line.variant.id)),
    );
    await run(`product: Variant ×${variants.representations.length}`, 'product', {
      query: Q.DIRECT.orderVariants,
      variables: variants,
    });
    await run(`payment: Order ×${orders.length}`, 'payment', {
      query: Q.DIRECT.orderPayments,
      variables: reps(
        'Order',
        orders.map((order) => order.id),
      ),
    });
    await run('user: customer', 'user', {
      query: Q.DIRECT.customers,
      variables: reps(
        'User',
        orders.map((order) => order.customer.id),
      ),
    });
  }
  return steps;
}

/** Both gateways answer `page` without errors and with the same data. */
async function verifyGateways(page: Page, graph: Graph, token: string | undefined) {
  const [ours, stock] = await Promise.all([
    call(graph.ours, page.gql, token),
    call(graph.stock, page.gql, token),
  ]);
  if (!isDeepStrictEqual(ours.data, stock.data)) {
    writeFileSync(
      join(tmpdir(), `bench-${page.key}-ours.json`),
      JSON.stringify(ours.data, null, 2),
    );
    writeFileSync(
      join(tmpdir(), `bench-${page.key}-stock.json`),
      JSON.stringify(stock.data, null, 2),
    );
    throw new Error(`${page.key}: ours and stock answer different data (written to ${tmpdir()})`);
  }
  return { bytes: JSON.stringify(ours.data).length, data: ours.data };
}

// --- load -------------------------------------------------------------------------------------

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** 2xx responses whose body has `errors`. */
  graphqlErrors: number;
  /** CPU ms per request of each process (graph processes, postgres, redis, load generator). */
  cpu: Record<string, number>;
}

/** The graph's processes, for the CPU accounting of every load (set once the graph runs). */
let graphProcesses: Named[] = [];

async function load(
  url: string,
  gql: Gql,
  headers: Record<string, string>,
  seconds: number,
): Promise<Measure> {
  let graphqlErrors = 0;
  const processes = graphProcesses;
  const cpuBefore = cpuSnapshot(processes);
  const target = new URL(url);
  const result = await autocannon({
    url: target.origin,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: target.pathname,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(gql),
        onResponse: (status, body) => {
          if (status === 200 && body.includes('"errors":')) graphqlErrors += 1;
        },
      },
    ],
  });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    graphqlErrors,
    cpu: cpuPerRequest(cpuBefore, cpuSnapshot(processes), result.requests.total),
  };
}

type TargetName = 'ours' | 'stock' | 'direct';
interface Run {
  round: number;
  target: TargetName;
  measure: Measure;
  /** Direct: one measure per subgraph step. */
  steps?: Array<{ label: string; measure: Measure }>;
}

/**
 * The direct ceiling of a multi-subgraph page: each step loaded alone; pages/s is the serial
 * composition 1 / Σ(1 / rps_i) and the latencies are the sums of the steps' (no parallelism).
 */
function compose(steps: Array<{ measure: Measure }>): Measure {
  const sum = (pick: (m: Measure) => number) => steps.reduce((acc, s) => acc + pick(s.measure), 0);
  return {
    rps: 1 / steps.reduce((acc, s) => acc + 1 / s.measure.rps, 0),
    p50: sum((m) => m.p50),
    p99: sum((m) => m.p99),
    requests: sum((m) => m.requests),
    errors: sum((m) => m.errors),
    non2xx: sum((m) => m.non2xx),
    graphqlErrors: sum((m) => m.graphqlErrors),
    // Per page: each step's per-request CPU, added up.
    cpu: steps.reduce<Record<string, number>>((acc, s) => {
      for (const [name, ms] of Object.entries(s.measure.cpu))
        acc[name] = round((acc[name] ?? 0) + ms, 2);
      return acc;
    }, {}),
  };
}

interface Context {
  graph: Graph;
  email: string;
  /** The verified subgraph parts of each page (direct target). */
  steps: Map<Page['key'], DirectStep[]>;
}

async function runTarget(
  target: TargetName,
  page: Page,
  ctx: Context,
  seconds: number,
): Promise<Omit<Run, 'round'>> {
  if (target === 'direct') {
    const measured: Array<{ label: string; measure: Measure }> = [];
    for (const step of ctx.steps.get(page.key) ?? []) {
      // Pre-minted per run: internal tokens live 60 s.
      const token = await mintInternalToken(ctx.graph.gatewayKey, step.subgraph, step.identity);
      measured.push({
        label: step.label,
        measure: await load(step.url, step.gql, { authorization: `Bearer ${token}` }, seconds),
      });
    }
    return { target, measure: compose(measured), steps: measured };
  }
  const url = target === 'ours' ? ctx.graph.ours : ctx.graph.stock;
  // A fresh access token per run (they live 15 min); the login itself is not measured.
  const headers = page.signedIn
    ? { authorization: `Bearer ${await login(ctx.graph.ours, ctx.email)}` }
    : ({} as Record<string, string>);
  return { target, measure: await load(url, page.gql, headers, seconds) };
}

function identityOf(token: string): Identity {
  const claims = decodeJwt(token);
  return { userId: claims.sub!, roles: (claims.roles as Role[] | undefined) ?? [] };
}

// --- report -----------------------------------------------------------------------------------

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  graphqlErrors: number;
  /** Median CPU ms per request of each process. */
  cpu: Record<string, number>;
}

function summarize(runs: Run[]): Summary {
  const names = new Set(runs.flatMap((r) => Object.keys(r.measure.cpu)));
  return {
    cpu: Object.fromEntries(
      [...names].map((name) => [name, round(median(runs.map((r) => r.measure.cpu[name] ?? 0)), 2)]),
    ),
    rps: round(median(runs.map((r) => r.measure.rps))),
    p50: round(median(runs.map((r) => r.measure.p50))),
    p99: round(median(runs.map((r) => r.measure.p99))),
    errors: runs.reduce((acc, r) => acc + r.measure.errors, 0),
    non2xx: runs.reduce((acc, r) => acc + r.measure.non2xx, 0),
    graphqlErrors: runs.reduce((acc, r) => acc + r.measure.graphqlErrors, 0),
  };
}

function markdown(results: {
  pages: Array<{
    title: string;
    targets: Record<TargetName, Summary>;
    directSteps: Array<{ label: string; summary: Summary }>;
    ratio: { rps: number; p99: number; rpsOfDirect: number };
  }>;
}): string {
  const row = (name: string, s: Summary, extra = '') =>
    `| ${name} | ${s.rps} | ${s.p50} | ${s.p99} | ${s.errors} / ${s.non2xx} / ${s.graphqlErrors} | ${extra} |`;
  const lines = [
    '| page → target | req/s (median) | p50 ms | p99 ms | errors / non-2xx / GraphQL errors | ours ÷ stock |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const page of results.pages) {
    lines.push(`| **${page.title}** | | | | | |`);
    lines.push(
      row(
        'ours',
        page.targets.ours,
        `req/s **${page.ratio.rps}**, p99 **${page.ratio.p99}**; ${Math.round(page.ratio.rpsOfDirect * 100)} % of direct`,
      ),
    );
    lines.push(row('stock', page.targets.stock));
    if (page.directSteps.length > 1) {
      lines.push(row('direct (composed ceiling)', page.targets.direct));
      for (const step of page.directSteps) lines.push(row(`  direct ${step.label}`, step.summary));
    } else {
      lines.push(row('direct', page.targets.direct));
    }
  }
  return [lines.join('\n'), '', cpuMarkdown(results.pages)].join('\n');
}

/**
 * Where each page request's CPU goes, process by process (median of the rounds; /proc utime +
 * stime over the run ÷ requests). The total bounds req/s at cores × 1000 ÷ total.
 */
function cpuMarkdown(
  pages: Array<{ title: string; targets: Record<TargetName, Summary> }>,
): string {
  const order = ['ours', 'stock', ...SUBGRAPHS, 'postgres', 'redis', 'load generator'];
  const lines = [
    '### CPU per request, by process (ms; median of the rounds)',
    '',
    `| page → target | ${order.join(' | ')} | total | req/s bound on ${cpus().length} cores |`,
    `|---|${order.map(() => '---:').join('|')}|---:|---:|`,
  ];
  for (const page of pages) {
    lines.push(`| **${page.title}** |${order.map(() => ' |').join('')} | |`);
    for (const target of ['ours', 'stock', 'direct'] as const) {
      const cpu = page.targets[target].cpu;
      const total = Object.values(cpu).reduce((acc, ms) => acc + ms, 0);
      lines.push(
        `| ${target} | ${order.map((name) => (cpu[name] ? String(cpu[name]) : '')).join(' | ')} | ` +
          `${round(total, 2)} | ${total > 0 ? round((cpus().length * 1000) / total) : ''} |`,
      );
    }
  }
  return lines.join('\n');
}

// --- main -------------------------------------------------------------------------------------

async function main() {
  const logDir = mkdtempSync(join(tmpdir(), 'shop-bench-gateway-'));
  log(`child logs in ${logDir} (removed after a successful run)`);
  const startedAt = new Date();
  const load1 = loadavg()[0];
  const graph = await startGraph(logDir);
  graphProcesses = graph.processes;
  const email = await seed(graph.ours);
  const token = await login(graph.ours, email);
  await settle(graph.ours, token);
  const identity = identityOf(token);
  // Correctness first: every target answers every page without errors, gateways alike.
  const steps = new Map<Page['key'], DirectStep[]>();
  const ctx: Context = { graph, email, steps };
  for (const page of PAGES) {
    const { bytes } = await verifyGateways(page, graph, page.signedIn ? token : undefined);
    const pageSteps = await directSteps(page, graph, page.signedIn ? identity : null);
    steps.set(page.key, pageSteps);
    log(
      `verified ${page.key}: ours = stock (${bytes} bytes of data); direct: ${pageSteps.map((s) => s.label).join(', ')}`,
    );
  }

  if (PROFILE) {
    await profileOrderHistory(ctx);
    rmSync(logDir, { recursive: true, force: true });
    return;
  }

  const pages = [];
  for (const page of PAGES.filter((p) => ONLY_PAGES === undefined || ONLY_PAGES.has(p.key))) {
    const pageSteps = steps.get(page.key)!;
    const targets: TargetName[] = ['ours', 'stock', 'direct'];
    log(`${page.key}: warm-up ${WARMUP} s per target`);
    for (const target of targets) await runTarget(target, page, ctx, WARMUP);
    const runs: Run[] = [];
    for (let round_ = 1; round_ <= ROUNDS; round_ += 1) {
      // Interleaved, and rotated so no target always runs first (or right after warm-up).
      const order = targets.map((_, i) => targets[(i + round_ - 1) % targets.length]!);
      for (const target of order) {
        const run = { round: round_, ...(await runTarget(target, page, ctx, DURATION)) };
        runs.push(run);
        const m = run.measure;
        log(
          `${page.key} round ${round_} ${target}: ${round(m.rps)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, errors ${m.errors}/${m.non2xx}/${m.graphqlErrors}`,
        );
      }
    }
    const of = (target: TargetName) => runs.filter((r) => r.target === target);
    const summaries = {
      ours: summarize(of('ours')),
      stock: summarize(of('stock')),
      direct: summarize(of('direct')),
    };
    pages.push({
      key: page.key,
      title: page.title,
      query: page.gql,
      targets: summaries,
      directSteps: pageSteps.map((step, i) => ({
        label: step.label,
        subgraph: step.subgraph,
        summary: summarize(of('direct').map((r) => ({ ...r, measure: r.steps![i]!.measure }))),
      })),
      ratio: {
        rps: round(summaries.ours.rps / summaries.stock.rps, 2),
        p99: round(summaries.ours.p99 / summaries.stock.p99, 2),
        rpsOfDirect: round(summaries.ours.rps / summaries.direct.rps, 2),
      },
      runs,
    });
  }

  const results = {
    benchmark: 'gateway throughput (issue 8)',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      totalMemGiB: round(totalmem() / 2 ** 30),
      loadAverage1m: { start: round(load1 ?? 0, 2), end: round(loadavg()[0] ?? 0, 2) },
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    git: gitInfo(),
    config: {
      rounds: ROUNDS,
      durationSeconds: DURATION,
      warmupSeconds: WARMUP,
      connections: CONNECTIONS,
      orders: ORDERS,
      oursRateLimits: RATE_LIMITS,
      database: 'Postgres (scratch database)',
    },
    pages,
  };
  const table = markdown(results);
  writeFileSync(new URL('results.json', OUT), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    new URL('results.md', OUT),
    [
      '# Gateway throughput (issue 8)',
      '',
      `${results.finishedAt} — ${results.machine.cpus} × ${results.machine.cpuModel}, Node ${results.machine.node}, ` +
        `commit ${results.git.commit.slice(0, 10)}${results.git.uncommittedFiles ? ` + ${results.git.uncommittedFiles} uncommitted files` : ''}; ` +
        `${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections, load average ${results.machine.loadAverage1m.start} → ${results.machine.loadAverage1m.end}.`,
      '',
      table,
      '',
    ].join('\n'),
  );
  console.log(`\n${table}\n`);
  log('wrote bench/gateway/results.json and results.md');
  rmSync(logDir, { recursive: true, force: true });
}

/**
 * PROFILE: order history load under `--cpu-prof`, then a profile summary — of our gateway
 * (PROFILE=1, profile.md) or of one subgraph loaded with its direct part of the page
 * (PROFILE=order…, profile-order.md).
 */
async function profileOrderHistory(ctx: Context) {
  const page = PAGES.find((p) => p.key === 'orderHistory')!;
  const target = PROFILE_TARGET!;
  const steps = (ctx.steps.get(page.key) ?? []).filter((step) => step.subgraph === target);
  if (target !== 'ours' && steps.length === 0)
    throw new Error(`PROFILE=${target}: no direct step of ${page.key} reaches that subgraph`);
  const runOnce = async (seconds: number): Promise<Measure> => {
    if (target === 'ours') return (await runTarget('ours', page, ctx, seconds)).measure;
    const measured = [];
    for (const step of steps) {
      const token = await mintInternalToken(ctx.graph.gatewayKey, step.subgraph, step.identity);
      measured.push({
        measure: await load(step.url, step.gql, { authorization: `Bearer ${token}` }, seconds),
      });
    }
    return compose(measured);
  };
  const what = target === 'ours' ? 'our gateway' : `the ${target} subgraph`;
  log(`profile: warm-up ${WARMUP} s, then ${ROUNDS} × ${DURATION} s of ${page.key} on ${what}`);
  await runOnce(WARMUP);
  const micros = () => Number(process.hrtime.bigint() / 1000n);
  const fromUs = micros();
  const measures: Measure[] = [];
  for (let i = 0; i < ROUNDS; i += 1) measures.push(await runOnce(DURATION));
  const toUs = micros();
  // The profile is written when the process exits after its graceful shutdown.
  await ctx.graph.profiled!.stop();
  const dir = ctx.graph.profileDir!;
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const summary = summarizeProfile(join(dir, file), { fromUs, toUs });
  const rps = round(median(measures.map((m) => m.rps)));
  const md = [
    profileMarkdown(summary, `CPU profile of ${what} — order history load (issue 8)`),
    `Load: ${ROUNDS} × ${DURATION} s, ${CONNECTIONS} connections, median ${rps} req/s under the profiler ` +
      `(slower than without it); ${cpus().length} CPUs, Node ${process.version}, commit ${gitInfo().commit.slice(0, 10)}. ` +
      'Self time is where the CPU was when sampled (not including callees).',
    '',
  ].join('\n');
  const name = target === 'ours' ? 'profile.md' : `profile-${target}.md`;
  writeFileSync(new URL(name, OUT), md);
  // PROFILE_KEEP=1 keeps the raw .cpuprofile (for DevTools) instead of removing it.
  if (process.env.PROFILE_KEEP === '1') log(`raw profile: ${join(dir, file)}`);
  else rmSync(dir, { recursive: true, force: true });
  console.log(`\n${md}`);
  log(`wrote bench/gateway/${name}`);
}

try {
  await main();
} catch (error) {
  // After SIGINT the children are going away under the running step: that error is noise.
  if (!interrupted) console.error('[bench] failed:', error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
