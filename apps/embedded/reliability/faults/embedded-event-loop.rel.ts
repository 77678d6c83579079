import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gql,
  percentile,
  round,
  sleep,
  startAttackGraph,
  startProbe,
  type AttackGraph,
} from '../attacks/support';

/**
 * Issue 15, finding 4 (database half): in the embedded graph (`pnpm start`, PGlite) every
 * subgraph shares one PGlite, which ran on the main thread, so expensive but valid database work
 * (here: name filters over a large catalog, each a full scan) stalled `/healthz` and every other
 * request for as long as each statement ran. PGlite now runs in a worker thread.
 *
 * Measured while closed-loop clients keep the database saturated through the gateway: the
 * latency of a `/healthz` probe sent every 20 ms (from when it was due, so any event-loop stall
 * shows) and the event loop's own delay (`monitorEventLoopDelay`). Counterpart, same run: the
 * same statements on a PGlite in this thread (as before the change) while the same probe runs.
 */

/** Catalog rows added for the workload: each name filter scans all of them. */
const EXTRA_PRODUCTS = 30_000;
const CLIENTS = 4;
const LOAD_MS = 4_000;
const PROBE_INTERVAL_MS = 20;
/** The bound of the finding: no request waits more than this on database work it did not send. */
const STALL_BOUND_MS = 50;

/** Published products with long (but valid: ≤ 200 characters) names. */
const INSERT_PRODUCTS = `
  insert into product.products (id, slug, name, status)
  select gen_random_uuid(), 'event-loop-' || g,
         'Trail runner ' || g || ' ' || repeat('breathable mesh upper, cushioned sole, ', 4), 'PUBLISHED'
  from generate_series(1, ${EXTRA_PRODUCTS}) g`;

const QUERY = `query NameFilter($q: String!) {
  products(first: 5, filter: { nameContains: $q }) { totalCount edges { node { id name } } }
}`;
/** A short, ordinary search term that matches nothing, so every row is examined. */
const term = (i: number) => `waterproof boots ${i}`;

interface Window {
  probeP99: number;
  probeMax: number;
  probes: number;
  probeFailures: number;
  loopP99: number;
  loopMax: number;
}

/** Runs `work` while probing `/healthz` and sampling the event loop's delay. */
async function measure(healthUrl: string, work: () => Promise<unknown>): Promise<Window> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const probe = startProbe(healthUrl, { intervalMs: PROBE_INTERVAL_MS });
  await work();
  const probed = await probe.stop();
  loop.disable();
  return {
    probeP99: round(percentile(probed.latencies, 99)),
    probeMax: round(probed.max),
    probes: probed.count,
    probeFailures: probed.failures.length,
    loopP99: round(loop.percentile(99) / 1e6),
    loopMax: round(loop.max / 1e6),
  };
}

/** `CLIENTS` closed loops of `request` for `ms`; the latency of each request. */
async function closedLoop(ms: number, request: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  let sent = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        await request((sent += 1));
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

describe('embedded graph: database work off the event loop', () => {
  let t: AttackGraph;
  beforeAll(async () => {
    // Requests queue behind each other's statements: a generous subgraph timeout keeps every
    // one of them valid on a loaded box too.
    t = await startAttackGraph({ database: 'pglite', production: true, subgraphTimeoutMs: 60_000 });
    await t.graph.database.exec(INSERT_PRODUCTS);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('keeps /healthz p99 and the event loop delay under 50 ms while name filters saturate the database; the same statements on this thread do not', async () => {
    // Warm-up (not measured): the gateway plans the operation and the subgraph compiles it, the
    // probe's and the clients' code paths run once: CPU work on this thread that is not
    // database work.
    await measure(t.healthUrl, async () => {
      const warm = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) => gql(t.url, QUERY, { q: term(-i) })),
      );
      for (const response of warm) {
        expect(response.json?.data?.products).toMatchObject({ totalCount: 0 });
      }
    });
    const idle = await measure(t.healthUrl, () => sleep(1_000));
    const answers: string[] = [];
    let latencies: number[] = [];
    const loaded = await measure(t.healthUrl, async () => {
      latencies = await closedLoop(LOAD_MS, async (i) => {
        const response = await gql(t.url, QUERY, { q: term(i) });
        const products = response.json?.data?.products as { totalCount?: number } | undefined;
        answers.push(
          response.status === 200 && !response.json?.errors && products?.totalCount === 0
            ? 'ok'
            : `HTTP ${response.status} ${response.text.slice(0, 200)}`,
        );
      });
    });
    const requestP50 = round(percentile(latencies, 50));
    console.log(
      '[event loop] embedded graph',
      JSON.stringify({ idle, loaded, requests: answers.length, requestP50 }),
    );
    // Valid requests, all answered with data.
    expect(answers.length).toBeGreaterThan(CLIENTS);
    expect(answers.filter((a) => a !== 'ok')).toEqual([]);
    // The database was saturated: requests queued behind each other's statements.
    expect(requestP50).toBeGreaterThan(2 * STALL_BOUND_MS);
    expect(loaded.probeFailures).toBe(0);
    expect(loaded.probes).toBeGreaterThan(LOAD_MS / PROBE_INTERVAL_MS / 4);
    expect(loaded.probeP99).toBeLessThan(STALL_BOUND_MS);
    expect(loaded.loopP99).toBeLessThan(STALL_BOUND_MS);

    // Counterpart: the same catalog and statements on a PGlite in this thread.
    const inThread = new PGlite();
    try {
      await inThread.exec(`create schema product;
        create table product.products (id uuid primary key, slug text not null unique,
          name text not null, status text not null, created_at timestamptz not null default now());
        create index on product.products (created_at, id);
        ${INSERT_PRODUCTS};`);
      const where = `status = 'PUBLISHED' and name ilike $1`;
      const blocked = await measure(t.healthUrl, async () => {
        // Half as long: on this thread the loop is blocked the whole time anyway.
        await closedLoop(LOAD_MS / 2, async (i) => {
          const pattern = `%${term(i)}%`;
          await inThread.query(`select count(*) from product.products where ${where}`, [pattern]);
          await inThread.query(
            `select * from product.products where ${where} order by created_at, id limit 5`,
            [pattern],
          );
        });
      });
      console.log('[event loop] same statements on this thread', JSON.stringify(blocked));
      // The statements (and PGlite's promise continuations between them) run back to back
      // without yielding to timers or I/O: the probe waits for the whole run.
      expect(blocked.probeP99).toBeGreaterThan(STALL_BOUND_MS);
    } finally {
      await inThread.close();
    }
  });
});
