import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '@shop/testing';
import { startTestGraph, type TestGraph } from '../../e2e/harness';
import { ADD_LINES, ADDRESS, CHECKOUT, SET_STOCK } from '../../e2e/operations';
import { childEnv } from './env';
import { postgresControl } from './postgres-control';

/**
 * B4 (docs/SECURITY.md §6 B4): Postgres goes down (`pg_ctl stop -m fast`, then `-m immediate`) for
 * ~2 s while 5 writers check out through the gateway, then comes back. The graph runs on a
 * private cluster (startPrivatePostgres) so other suites are not disturbed.
 *
 * Compared with apps/embedded/e2e/faults.e2e.ts (one `pg_ctl restart -m fast`, 3 workers, checks "no
 * lost acknowledged order" and that checkout works again): this adds `-m immediate`, an
 * observable down window (stop and start are separate), the error codes of failed operations,
 * every subgraph's `/readyz` while down and after, the time to the first good checkout after
 * Postgres accepts again, and the unprotected counterpart (a pool without an error handler).
 */

const WRITERS = 5;
const RUN_MS = 8_000;
const DOWN_AT_MS = 3_000;
const DOWN_FOR_MS = 2_000;

/** Codes a client may retry on (the request did not complete because a dependency failed). */
const RETRYABLE = new Set([
  'SERVICE_UNAVAILABLE',
  'SUBGRAPH_UNAVAILABLE',
  'SUBGRAPH_TIMEOUT',
  'DOWNSTREAM_SERVICE_ERROR',
  'INTERNAL_SERVER_ERROR',
]);

interface Op {
  start: number;
  end: number;
  orderId?: string;
  status: number;
  codes: string[];
  text: string;
}

describe('Postgres restart under checkout load (B4)', () => {
  let server: PrivatePostgres;
  let t: TestGraph;
  let variantId: string;
  beforeAll(async () => {
    server = await startPrivatePostgres();
    t = await startTestGraph('postgres', { databaseUrl: server.url });
    const products = await t.gql(
      `query { products(first: 1) { edges { node { variants { id } } } } }`,
    );
    variantId = products.body.data?.products.edges[0].node.variants[0].id as string;
    const admin = await t.adminToken();
    await t.gql(SET_STOCK, { id: variantId, input: { stockOnHand: 100_000 } }, admin);
  });
  afterAll(async () => {
    await t?.stop();
    server?.stop();
  });

  const probeReadiness = async () =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(t.graph.subgraphs).map(async ([name, subgraph]) => {
          const response = await fetch(new URL('/readyz', subgraph.url), {
            signal: AbortSignal.timeout(3_000),
          }).catch(() => undefined);
          return [name, response?.status ?? 0] as const;
        }),
      ),
    );

  const scenario = async (mode: 'fast' | 'immediate') => {
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => t.newCustomer()));
    const control = postgresControl(server);
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const ops: Op[] = [];
    const readiness: Array<{ at: number; statuses: Record<string, number> }> = [];
    let downAt = Number.NaN;
    let upAt = Number.NaN;
    let readyAgainMs = Number.NaN;

    const writer = async (customer: { token: string }) => {
      while (now() < RUN_MS) {
        const start = now();
        const op: Op = { start, end: 0, status: 0, codes: [], text: '' };
        try {
          const added = await t.gql(
            ADD_LINES,
            { input: { lines: [{ variantId, quantity: 1 }] } },
            customer.token,
          );
          const cart = added.body.data?.addCartLines?.cart as
            { id: string; subtotal: { amount: number; currencyCode: string } } | undefined;
          const result = cart
            ? await t.gql(
                CHECKOUT,
                {
                  input: {
                    cartId: cart.id,
                    shippingAddress: ADDRESS,
                    idempotencyKey: randomUUID(),
                    expectedTotal: cart.subtotal,
                  },
                },
                customer.token,
              )
            : added;
          op.status = result.status;
          op.text = JSON.stringify(result.body);
          op.codes = (result.body.errors ?? []).map((e) => String(e.extensions?.code ?? 'NONE'));
          op.orderId = result.body.data?.checkout?.order?.id as string | undefined;
        } catch (error) {
          op.codes = ['CLIENT_ERROR'];
          op.text = String(error);
        }
        op.end = now();
        ops.push(op);
        if (!op.orderId) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const fault = (async () => {
      await new Promise((resolve) => setTimeout(resolve, DOWN_AT_MS));
      await control.stop(mode);
      downAt = now();
      while (now() < downAt + DOWN_FOR_MS) {
        readiness.push({ at: now(), statuses: await probeReadiness() });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await control.start();
      upAt = now();
      // Every subgraph becomes ready again once Postgres is back.
      for (;;) {
        const statuses = await probeReadiness();
        if (Object.values(statuses).every((status) => status === 200)) {
          readyAgainMs = now() - upAt;
          break;
        }
        if (now() - upAt > 15_000) throw new Error(`not ready again: ${JSON.stringify(statuses)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await Promise.all([...writers.map(writer), fault]);

    const acknowledged = ops.flatMap((op) => (op.orderId ? [op.orderId] : []));
    // A checkout answered with userErrors is a business outcome, not an infrastructure failure:
    // here CART_NOT_FOUND when `addCartLines` returned the cart just checked out (it is converted
    // asynchronously, by the order.created event).
    const business = ops.filter((op) => !op.orderId && op.status === 200 && op.codes.length === 0);
    const failed = ops.filter((op) => !op.orderId && !business.includes(op));
    const firstGood = ops
      .filter((op) => op.start >= upAt && op.orderId)
      .sort((a, b) => a.end - b.end)[0];
    const stored = await t.graph.database.query<{ id: string }>(
      `select id from "order".orders where id = any($1::uuid[])`,
      [acknowledged],
    );
    const codes: Record<string, number> = {};
    for (const op of failed) for (const code of op.codes) codes[code] = (codes[code] ?? 0) + 1;
    const stats = {
      mode,
      ops: ops.length,
      acknowledged: acknowledged.length,
      failed: failed.length,
      codes,
      statuses: [...new Set(ops.map((op) => op.status))],
      downAt: Math.round(downAt),
      upAt: Math.round(upAt),
      healthyAfterMs: firstGood ? Math.round(firstGood.end - upAt) : null,
      readyAgainMs: Math.round(readyAgainMs),
      readinessWhileDown: readiness.length,
      businessOutcomes: business.length,
    };
    console.log('[B4]', JSON.stringify(stats));

    // 0 process exits: this process (gateway + subgraphs) is alive and answers.
    expect((await fetch(new URL('/healthz', t.url))).status).toBe(200);
    // 0 lost acknowledged orders.
    expect(acknowledged.length).toBeGreaterThanOrEqual(10);
    expect(stored.map((row) => row.id).sort()).toEqual([...acknowledged].sort());
    // Failures happened (Postgres really was down) and were coded, without stack traces or
    // internal details; never an HTTP 5xx.
    expect(failed.length).toBeGreaterThan(0);
    for (const op of failed) {
      expect(op.status, op.text).toBeLessThan(500);
      expect(op.codes.length, op.text).toBeGreaterThan(0);
      for (const code of op.codes) expect(RETRYABLE, op.text).toContain(code);
      expect(op.text).not.toMatch(/stacktrace|\bat .*\.ts:\d+|ECONNREFUSED|terminating connection/);
    }
    // Readiness: every DB-backed subgraph said 503 at least once while Postgres was down …
    expect(readiness.length).toBeGreaterThan(0);
    for (const name of Object.keys(t.graph.subgraphs)) {
      expect(
        readiness.some((r) => r.statuses[name] === 503),
        name,
      ).toBe(true);
    }
    // … and 200 again, and checkouts succeed, within a few seconds of Postgres accepting.
    expect(readyAgainMs).toBeLessThan(3_000);
    expect(firstGood, 'a checkout succeeded after Postgres came back').toBeDefined();
    expect(firstGood!.end - upAt).toBeLessThan(3_000);
    return stats;
  };

  it('B4: pg_ctl stop -m fast / start mid-load → 0 exits, 0 lost orders, coded failures, readiness 503 then 200', async () => {
    // Unprotected counterpart: a node-postgres pool without an 'error' listener (the library
    // default) dies on the same restart; the project's createDatabase survives it.
    const child = (mode: 'raw' | 'guarded') =>
      spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(new URL('./raw-pool-child.ts', import.meta.url)),
          mode,
          server.url,
        ],
        {
          cwd: fileURLToPath(new URL('../..', import.meta.url)),
          env: childEnv({}),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    const ready = (process: ChildProcess) =>
      new Promise<void>((resolve, reject) => {
        let out = '';
        process.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('ready')) resolve();
        });
        process.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
    const raw = child('raw');
    const guarded = child('guarded');
    try {
      await Promise.all([ready(raw), ready(guarded)]);
      await scenario('fast');
      // Give the children a moment to hit the broken idle connections' 'error' events.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(raw.exitCode, 'the unguarded pool crashed its process').not.toBeNull();
      expect(raw.exitCode).not.toBe(0);
      expect(guarded.exitCode, 'the guarded pool kept its process alive').toBeNull();
    } finally {
      raw.kill('SIGKILL');
      guarded.kill('SIGKILL');
    }
  });

  it('B4: pg_ctl stop -m immediate (crash recovery) / start mid-load → same guarantees', async () => {
    await scenario('immediate');
  });
});
