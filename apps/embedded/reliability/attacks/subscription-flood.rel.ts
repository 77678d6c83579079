import { fork } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCommittedSupergraph } from '@shop/schema';
import { startGateway, type RunningGateway } from '@shop/gateway';
import { createRedisRateLimitStore, type RedisRateLimitStore } from '@shop/gateway/limits';
import { DEFAULT_SUBSCRIPTION_LIMITS } from '@shop/gateway/subscriptions';
import type { AttackerCommand, AttackerReport } from './subscription-attacker';
import { ATTACKER, openSocket, send, variant, type Received } from './subscription-clients';
import {
  gql,
  percentile,
  retainedMb,
  round,
  rssMb,
  sleep,
  startAttackGraph,
  startProbe,
  subgraphUrls,
  type AttackGraph,
} from './support';

// Issue 15, finding 3: anonymous clients open many WebSockets and subscribe to one guest cart's
// `cartUpdated` with a different alias (and fragments, operation names, literal vs variable
// arguments) every time, then drop the sockets. Before the fix every variant was its own plan,
// upstream subscription and hydration (100 × 25 → RSS +133 MB, /healthz stalled 8.7 s).
// The attack graph raises the per-IP request budget, so what holds here is the connection cap
// and the canonical form, not the rate limiter (F3c tests that one).

/**
 * /healthz while the flood runs: the bound, p99 < 50 ms, on top of the box's own /healthz
 * p99 measured just before the flood (so a box shared with other suites does not fail it, and
 * the flood may add at most 50 ms). In CI's run: quiet p99 13.9 ms, during the flood p50 1.9 ms
 * and p99 17.4 ms; on a box at load average 12–40 p99 was 170–830 ms with /healthz alone at
 * 42–235 ms. Without the fix: p50 4 s, p99 28 s.
 */
const HEALTH_P50_MS = 50;
const HEALTH_P99_MS = 50;
/** A products query from another client during the flood (measured 240–740 ms; 4.9 s before). */
const PRODUCTS_P99_MS = 1_000;
/**
 * Memory still held after a full GC once the sockets are dropped and released, compared with
 * before the flood (measured 7–13 MB): the validated-document cache (≤ 1,000 entries of ≤ 4 KiB
 * of text) and allocator slack. Nothing per socket or per subscription is left.
 */
const RETAINED_GROWTH_MB = 25;

const CONNECTIONS = 100;
const PER_CONNECTION = 25;

/** A multipart HTTP subscription from the attacker: its first payload, and `close()`. */
function multipartSubscription(
  url: string,
  body: Record<string, unknown>,
): Promise<{ status: number; first: Received | undefined; close: () => void }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      localAddress: ATTACKER,
      agent: false,
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json',
      },
    });
    const timer = setTimeout(() => request.destroy(new Error('no first part in 15 s')), 15_000);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.on('response', (response) => {
      let text = '';
      const close = () => request.destroy();
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const multipart = response.headers['content-type']?.startsWith('multipart/mixed');
        const part = multipart
          ? text.split('\r\n\r\n').find((piece) => piece.startsWith('{"payload":{'))
          : undefined;
        if (part && part.includes('\r\n--graphql')) {
          clearTimeout(timer);
          const json = part.slice(0, part.indexOf('\r\n--graphql'));
          resolve({
            status: response.statusCode ?? 0,
            first: (JSON.parse(json) as { payload: Received }).payload,
            close,
          });
        }
      });
      response.on('end', () => {
        clearTimeout(timer);
        let first: Received | undefined;
        try {
          first = JSON.parse(text) as Received;
        } catch {
          first = undefined;
        }
        resolve({ status: response.statusCode ?? 0, first, close });
      });
    });
    request.end(JSON.stringify(body));
  });
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

const PRODUCTS = '{ products(first: 5) { edges { node { name } } } }';

/** The attacker child process (subscription-attacker.ts): `run` sends a command, awaits its report. */
function startAttacker() {
  const child = fork(fileURLToPath(new URL('./subscription-attacker.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    run(command: AttackerCommand): Promise<AttackerReport> {
      return new Promise((resolve, reject) => {
        child.once('message', (message) => resolve(message as AttackerReport));
        child.once('exit', (code) => reject(new Error(`attacker exited (${code})`)));
        child.send(command);
      });
    },
    kill: () => child.kill('SIGKILL'),
  };
}

describe('subscription flood (issue 15, finding 3)', () => {
  let attack: AttackGraph;
  let wsUrl: string;
  let cartId: string;
  let cartToken: string;
  let variantId: string;
  let attacker: ReturnType<typeof startAttacker> | undefined;

  const addLine = async () => {
    const added = await gql(
      attack.url,
      `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id } cartToken userErrors { code } } }`,
      { input: { lines: [{ variantId, quantity: 1 }], ...(cartToken ? { cartToken } : {}) } },
    );
    const payload = added.json?.data?.addCartLines as
      { cart: { id: string }; cartToken: string | null } | undefined;
    if (!payload?.cart) throw new Error(`addCartLines failed: ${added.text}`);
    return payload;
  };

  beforeAll(async () => {
    attack = await startAttackGraph();
    wsUrl = attack.url.replace(/^http/, 'ws');
    const products = await gql(
      attack.url,
      '{ products(first: 5) { edges { node { variants { id stockOnHand } } } } }',
    );
    const edges = (
      products.json?.data?.products as {
        edges: Array<{ node: { variants: Array<{ id: string; stockOnHand: number }> } }>;
      }
    ).edges;
    variantId = edges.flatMap((edge) => edge.node.variants).find((v) => v.stockOnHand > 20)!.id;
    const guest = await addLine();
    cartId = guest.cart.id;
    cartToken = guest.cartToken!;
  }, 120_000);

  afterAll(async () => {
    attacker?.kill();
    await attack?.stop();
  });

  it('F3a: 100 anonymous sockets × 25 variants of one cartUpdated + multipart, then dropped: 4429 past 50 sockets, one upstream subscription and hydration, each result in its own shape, /healthz p50 and p99 < 50 ms (+ the box own p99), products < 1 s, everything released, retained memory < 25 MB', async () => {
    const engine = attack.graph.gateway.subscriptions!;
    const cap = DEFAULT_SUBSCRIPTION_LIMITS.maxConnectionsPerIp;
    // Warm-up (first plan, first upstream socket, JIT), then the baseline.
    const warm = await openSocket(wsUrl);
    send(warm, 'warm', variant(999, 0, cartId, cartToken).payload);
    await waitFor(() => (warm.nexts.get('warm')?.length ?? 0) > 0, 15_000);
    warm.socket.terminate();
    await waitFor(() => engine.stats().upstreamSockets === 0, 10_000);
    await gql(attack.url, PRODUCTS);
    const retainedBefore = retainedMb();
    // The box's own latency, with nothing else running in this process.
    // Every 20 ms: the flood lasts ~4 s, and a p99 needs well over 100 samples not to be the
    // single slowest one (one GC pause).
    const quiet = await startProbe(attack.healthUrl, { intervalMs: 20 });
    await sleep(2_000);
    const quietHealth = await quiet.stop();

    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    const phases: Record<string, number> = {};
    const mark = (name: string) => (phases[name] = round(performance.now() - t0));
    const probe = startProbe(attack.healthUrl, { intervalMs: 20 });
    const productTimes: number[] = [];
    let flooding = true;
    const productsLoop = (async () => {
      while (flooding) {
        const response = await gql(attack.url, PRODUCTS);
        if (response.status !== 200 || !response.json?.data?.products) {
          throw new Error(`products failed during the flood: ${response.text}`);
        }
        productTimes.push(response.ms);
        await sleep(100);
      }
    })();

    attacker = startAttacker();
    const subscribed = await attacker.run({
      type: 'flood',
      url: wsUrl,
      cartId,
      cartToken,
      connections: CONNECTIONS,
      perConnection: PER_CONNECTION,
    });
    mark('opened');
    const atPeak = engine.stats();
    mark('snapshots');

    // The stream cap counts multipart streams too: this IP is full.
    const overCap = await multipartSubscription(
      attack.url,
      variant(500, 0, cartId, cartToken).payload,
    );
    overCap.close();

    // A live change: one hydration, fanned out to every subscriber in its own shape.
    const hydrationsBefore = engine.stats().hydrations;
    await addLine();
    const live = await attacker.run({ type: 'await-live' });
    const hydrations = engine.stats().hydrations - hydrationsBefore;
    mark('live');

    // Drop every socket without a goodbye.
    await attacker.run({ type: 'drop' });
    const releasedWs = await waitFor(() => {
      const stats = engine.stats();
      return stats.clientSubscriptions === 0 && stats.upstreamSubscriptions === 0;
    }, 15_000);
    mark('dropped');
    // Multipart over HTTP: 40 streams with their own aliases share the same upstream.
    const streams = await Promise.all(
      Array.from({ length: 40 }, (_, k) =>
        multipartSubscription(attack.url, variant(600 + k, k, cartId, cartToken).payload),
      ),
    );
    const multipartStats = engine.stats();
    const multipartMisshaped = streams.filter(
      (stream, k) =>
        !stream.first || variant(600 + k, k, cartId, cartToken).cartIdOf(stream.first) !== cartId,
    ).length;
    for (const stream of streams) stream.close();
    const released = await waitFor(() => {
      const stats = engine.stats();
      return (
        stats.clientSubscriptions === 0 &&
        stats.upstreamSubscriptions === 0 &&
        stats.upstreamSockets === 0
      );
    }, 15_000);

    mark('multipart');
    flooding = false;
    await productsLoop;
    const health = await probe.stop();
    await sleep(200);
    const retainedGrowthMb = round(retainedMb() - retainedBefore);
    const cpu = process.cpuUsage(cpuBefore);
    const summary = {
      cpuMs: round((cpu.user + cpu.system) / 1000),
      phases,
      accepted: subscribed.type === 'subscribed' ? subscribed.accepted : -1,
      closed4429: subscribed.type === 'subscribed' ? subscribed.closed4429 : -1,
      atPeak,
      allSnapshots: subscribed.type === 'subscribed' && subscribed.allSnapshots,
      allLive: live.type === 'live' && live.allLive,
      hydrations,
      misshaped: live.type === 'live' ? live.misshaped : ['no report'],
      overCap: { status: overCap.status, code: overCap.first?.errors?.[0]?.extensions?.code },
      multipart: {
        upstreamSubscriptions: multipartStats.upstreamSubscriptions,
        clientSubscriptions: multipartStats.clientSubscriptions,
        misshaped: multipartMisshaped,
      },
      releasedWs,
      released,
      quietHealthP99: round(percentile(quietHealth.latencies, 99)),
      healthP50: round(percentile(health.latencies, 50)),
      healthP99: round(percentile(health.latencies, 99)),
      healthMax: round(health.max),
      healthFailures: health.failures.length,
      productsP99: round(percentile(productTimes, 99)),
      retainedGrowthMb,
      rssMb: round(rssMb()),
    };
    console.log('[F3a]', JSON.stringify(summary));

    expect(summary.healthP50).toBeLessThan(HEALTH_P50_MS + summary.quietHealthP99);
    expect(summary.healthP99).toBeLessThan(HEALTH_P99_MS + summary.quietHealthP99);
    expect(summary.healthFailures).toBe(0);
    expect(summary.productsP99).toBeLessThan(PRODUCTS_P99_MS);
    expect(summary.accepted).toBe(cap);
    expect(summary.closed4429).toBe(CONNECTIONS - cap);
    expect(summary.allSnapshots).toBe(true);
    expect(atPeak).toMatchObject({
      clientSubscriptions: cap * PER_CONNECTION,
      upstreamSubscriptions: 1,
      upstreamSockets: 1,
    });
    expect(summary.allLive).toBe(true);
    expect(hydrations).toBe(1);
    expect(summary.misshaped.slice(0, 3)).toEqual([]);
    expect(summary.overCap).toEqual({ status: 429, code: 'SUBSCRIPTION_LIMIT' });
    expect(summary.multipart).toEqual({
      upstreamSubscriptions: 1,
      clientSubscriptions: 40,
      misshaped: 0,
    });
    expect(releasedWs).toBe(true);
    expect(released).toBe(true);
    expect(retainedGrowthMb).toBeLessThan(RETAINED_GROWTH_MB);
  }, 180_000);

  it('F3b: the same 100 sockets at a gateway whose per-IP cap is lifted are all accepted (the cap is what refuses them)', async () => {
    const open = await startGateway({
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls: subgraphUrls(attack.graph),
      accessTokenKeys: new URL('/.well-known/jwks.json', attack.graph.subgraphs.user!.url),
      signingKey: attack.graph.gatewayKey,
      port: 0,
      host: '127.0.0.1',
      subscriptions: { limits: { maxConnectionsPerIp: 1_000_000 } },
    });
    try {
      const sockets = await Promise.all(
        Array.from({ length: CONNECTIONS }, () => openSocket(open.url.replace(/^http/, 'ws'))),
      );
      const accepted = sockets.filter((s) => s.acked).length;
      for (const state of sockets) state.socket.terminate();
      expect(accepted).toBe(CONNECTIONS);
    } finally {
      await open.stop(2_000);
    }
  }, 60_000);

  it('F3c: subscribe messages count in the per-IP budget of the HTTP rate limiter, shared by two gateway replicas through Redis', async () => {
    // A private key prefix: other suites on the same Redis do not touch these counters.
    // eslint-disable-next-line no-restricted-syntax -- tests pick their targets from the environment
    const redisUrl = process.env.REDIS_URL;
    const store: RedisRateLimitStore | undefined = redisUrl
      ? createRedisRateLimitStore(redisUrl, { prefix: `rel-ws-${process.pid}-${Date.now()}:` })
      : undefined;
    const replica = () =>
      startGateway({
        supergraphSdl: readCommittedSupergraph(),
        subgraphUrls: subgraphUrls(attack.graph),
        accessTokenKeys: new URL('/.well-known/jwks.json', attack.graph.subgraphs.user!.url),
        signingKey: attack.graph.gatewayKey,
        port: 0,
        host: '127.0.0.1',
        limits: {
          requests: { perIp: { points: 30, durationMs: 60_000 }, ...(store ? { store } : {}) },
        },
      });
    const gateways: RunningGateway[] = [await replica()];
    if (store) gateways.push(await replica());
    try {
      if (store) await waitFor(() => store.isReady(), 5_000);
      // 10 HTTP requests at the first replica…
      for (let k = 0; k < 10; k += 1) await gql(gateways[0]!.url, PRODUCTS);
      // …then subscribe messages at the last one.
      const socket = await openSocket(gateways.at(-1)!.url.replace(/^http/, 'ws'), '127.0.0.1');
      expect(socket.acked).toBe(true);
      const codes: unknown[] = [];
      for (let k = 0; k < 25; k += 1) {
        send(socket, `s${k}`, variant(700, k, cartId, cartToken).payload);
      }
      await waitFor(() => socket.errors.size + socket.nexts.size === 25, 15_000);
      for (let k = 0; k < 25; k += 1) {
        codes.push(socket.errors.get(`s${k}`)?.[0]?.extensions?.code ?? 'OK');
      }
      socket.socket.terminate();
      // 30 points: 10 HTTP + 20 subscribes; the other 5 are refused.
      expect(codes.filter((code) => code === 'OK')).toHaveLength(20);
      expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(5);
      const http = await gql(gateways[0]!.url, PRODUCTS);
      expect(http.status).toBe(429);
    } finally {
      for (const gateway of gateways) await gateway.stop(2_000);
      await store?.close();
    }
  }, 60_000);
});
