import { createScratchDatabase } from '@shop/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '@shop/db';

/**
 * Every subgraph runs alone, the way its README tells a developer to run it
 * (`pnpm --filter @shop/<name>-subgraph start` = `node --import tsx src/main.ts` in the package folder):
 * its own process, a fresh Postgres database, its own migrations, no gateway (it mints a dev
 * token), no Kafka (the log bus), no other subgraph. Then one real GraphQL request with the dev
 * token, and SIGTERM must drain and exit with code 0.
 */

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Two at a time: each start compiles TypeScript with tsx and the machine is shared. */
const PARALLEL = 2;
const START_TIMEOUT_MS = 40_000;
const EXIT_TIMEOUT_MS = 10_000;

interface Case {
  name: string;
  /** The Postgres schema its migrations create. */
  schema: string;
  /** Tables its migrations must have created in `schema`. */
  tables: string[];
  /** A type its `_service { sdl }` must declare. */
  sdlType: string;
  /** Whether `main.ts` starts an event bus (without KAFKA_BROKERS: the log bus in `events`). */
  logBus: boolean;
  /** A domain operation that needs no other service and works on an empty database. */
  query: string;
  variables?: Record<string, unknown>;
  expected: unknown;
}

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const EVENT_TABLES = ['outbox', 'processed_events'];

const CASES: Case[] = [
  {
    name: 'user',
    logBus: true,
    schema: 'user',
    tables: ['users', 'addresses', 'refresh_tokens', 'account_tokens', 'sessions', ...EVENT_TABLES],
    sdlType: 'type User',
    // The dev token is anonymous: `me` is null, not an error.
    query: '{ me { id } }',
    expected: { me: null },
  },
  {
    name: 'product',
    logBus: false,
    schema: 'product',
    tables: ['categories', 'products', 'variants', 'stock_reservations', ...EVENT_TABLES],
    sdlType: 'type Product',
    // main.ts seeds the demo catalog (SEED defaults to true): 66 published products.
    query: '{ products(first: 2) { totalCount edges { node { slug } } } }',
    expected: {
      products: { totalCount: 66, edges: [expect.anything(), expect.anything()] },
    },
  },
  {
    name: 'cart',
    logBus: true,
    schema: 'cart',
    tables: ['carts', 'cart_lines', ...EVENT_TABLES],
    sdlType: 'type Cart',
    query: '{ cart { id } }',
    expected: { cart: null },
  },
  {
    name: 'order',
    logBus: true,
    schema: 'order',
    tables: ['orders', 'order_lines', 'order_status_history', 'idempotency_keys', ...EVENT_TABLES],
    sdlType: 'type Order',
    query: 'query ($id: ID!) { order(id: $id) { id } }',
    variables: { id: NO_SUCH_ID },
    expected: { order: null },
  },
  {
    name: 'payment',
    logBus: true,
    schema: 'payment',
    tables: ['payments', 'transactions', 'idempotency_keys', ...EVENT_TABLES],
    sdlType: 'type Payment',
    query: 'query ($id: ID!) { payment(id: $id) { id } }',
    variables: { id: NO_SUCH_ID },
    expected: { payment: null },
  },
  {
    name: 'notification',
    logBus: true,
    schema: 'notification',
    tables: [
      'notifications',
      'email_outbox',
      'order_states',
      'payment_states',
      'cart_states',
      'stream_items',
      ...EVENT_TABLES,
    ],
    sdlType: 'type Notification',
    // No root query fields of its own: a user's feed through `_entities` (anonymous → empty).
    query: `query ($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on User { id notifications(first: 5) { edges { node { id } } } } } }`,
    variables: { reps: [{ __typename: 'User', id: NO_SUCH_ID }] },
    expected: { _entities: [{ id: NO_SUCH_ID, notifications: { edges: [] } }] },
  },
  {
    name: 'analytics',
    logBus: true,
    schema: 'analytics',
    tables: [
      'usage_rollups',
      'usage_latency',
      'orders',
      'order_lines',
      'order_milestones',
      'payment_movements',
      'carts',
      ...EVENT_TABLES,
    ],
    sdlType: 'type SalesSummary',
    // The dev token is an ADMIN; an empty database has no sales.
    query: `query ($range: TimeRangeInput!) { salesSummary(range: $range) {
      orders placedOrders cancelledOrders cartsCreated } }`,
    variables: { range: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } },
    expected: {
      salesSummary: { orders: 0, placedOrders: 0, cancelledOrders: 0, cartsCreated: 0 },
    },
  },
];

/** Runs at most `size` of the returned wrapper's tasks at once. */
function limiter(size: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
  token: string;
}

/** The environment of a developer's shell: no gateway, no Kafka, no NODE_ENV=test from vitest. */
function developerEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const { PATH, HOME } = process.env;
  return { PATH, HOME, PORT: '0', DATABASE_URL: databaseUrl };
}

/** Spawns `node --import tsx src/main.ts` in the package folder and waits for its URL and dev token. */
async function startAlone(name: string, databaseUrl: string): Promise<Started> {
  const cwd = `${ROOT}subgraphs/${name}`;
  // `node --import tsx`, not the tsx CLI: the CLI relays SIGTERM to its child and SIGKILLs it
  // (exit 143) when the child does not acknowledge within 30 ms, which a loaded machine misses.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: developerEnv(databaseUrl),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const output = () => text;

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${text}`);
    }
    const url = /(http:\/\/\S+\/graphql)\b/.exec(text)?.[1];
    const token = /Bearer (\S+)/.exec(text)?.[1];
    if (url && token) return { child, output, url, token };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} printed no URL and dev token within ${START_TIMEOUT_MS} ms:\n${text}`);
}

async function waitUntilReady(graphqlUrl: string): Promise<number> {
  const readyz = graphqlUrl.replace(/\/graphql$/, '/readyz');
  const deadline = Date.now() + 10_000;
  let status = 0;
  while (Date.now() < deadline) {
    status = await fetch(readyz)
      .then((response) => response.status)
      .catch(() => 0);
    if (status === 200) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status;
}

async function post(
  url: string,
  token: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => null)) as {
    data?: Record<string, unknown>;
    errors?: unknown[];
  } | null;
  return { status: response.status, body };
}

/** SIGTERM, then the exit code and signal (or a timeout marker after `EXIT_TIMEOUT_MS`). */
function terminate(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null) return Promise.resolve({ code: child.exitCode, signal: null });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, signal: 'timeout' });
    }, EXIT_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    child.kill('SIGTERM');
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.allSettled(cleanups.map((cleanup) => cleanup()));
});

const slot = limiter(PARALLEL);

describe('each subgraph runs alone against a fresh Postgres database', () => {
  it.concurrent.each(CASES)(
    '$name: migrates, serves the dev token, answers and exits 0 on SIGTERM',
    (c) =>
      slot(async () => {
        const scratch = await createScratchDatabase(BASE_URL, `standalone_${c.name}`);
        const running: { child?: ChildProcess } = {};
        cleanups.push(async () => {
          const { child } = running;
          if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await scratch.drop();
        });

        const started = await startAlone(c.name, scratch.url);
        running.child = started.child;
        expect(await waitUntilReady(started.url)).toBe(200);

        // Its own migrations ran in its own schema of this database.
        const database = await createDatabase({ url: scratch.url, maxConnections: 1 });
        try {
          const tables = (
            await database.query<{ table_name: string }>(
              'select table_name from information_schema.tables where table_schema = $1',
              [c.schema],
            )
          ).map((row) => row.table_name);
          expect(tables).toEqual(expect.arrayContaining([...c.tables, 'schema_migrations']));
          const applied = (
            await database.query<{ name: string }>(
              `select name from "${c.schema}".schema_migrations`,
            )
          ).map((row) => row.name);
          const files = readdirSync(`${ROOT}subgraphs/${c.name}/migrations`).filter((file) =>
            file.endsWith('.sql'),
          );
          expect(files.length).toBeGreaterThan(0);
          expect(applied).toEqual(expect.arrayContaining(files));
          if (c.logBus) {
            // No Kafka: its relay and consumers run on the log bus in this same database.
            const bus = await database.query<{ table_name: string }>(
              `select table_name from information_schema.tables where table_schema = 'events'`,
            );
            expect(bus.map((row) => row.table_name)).toEqual(
              expect.arrayContaining(['log', 'consumer_offsets']),
            );
          }
        } finally {
          await database.close();
        }

        // Without the gateway's token nothing is answered; with the printed dev token it is.
        const anonymous = await post(started.url, undefined, '{ _service { sdl } }');
        expect(anonymous.status).toBe(401);

        const sdl = await post(started.url, started.token, '{ _service { sdl } }');
        expect(sdl.status).toBe(200);
        expect(sdl.body?.errors).toBeUndefined();
        const sdlText = (sdl.body?.data?._service as { sdl: string }).sdl;
        expect(sdlText).toContain(c.sdlType);

        const domain = await post(started.url, started.token, c.query, c.variables);
        expect(domain.body?.errors, started.output()).toBeUndefined();
        expect(domain.body?.data).toEqual(c.expected);

        // SIGTERM drains (server, consumers, relay, pool) and exits 0.
        const exit = await terminate(started.child);
        expect(exit, started.output()).toEqual({ code: 0, signal: null });
        expect(started.output()).toContain('SIGTERM received');
      }),
    // Includes the wait for a slot: at most PARALLEL subgraphs run at once.
    90_000,
  );
});
