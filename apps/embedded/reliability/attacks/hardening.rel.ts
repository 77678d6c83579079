import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeOperation, DEFAULT_LIMITS, parseWithLimit } from '@shop/gateway/limits';
import type { RunningGateway } from '@shop/gateway';
import {
  apiSchema,
  costQuery,
  fragmentBomb,
  justUnderShapes,
  MAX_BODY_BYTES,
  maliciousShapes,
  REJECTION_CODES,
  tokenCount,
  tokenQuery,
  type Delivery,
  type Shape,
} from './shapes';
import {
  gql,
  percentile,
  postStreamed,
  raw,
  round,
  retainedMb,
  rssMb,
  runPool,
  sleep,
  startAttackGraph,
  startExtraGateway,
  startProbe,
  startStockGateway,
  subgraphRequests,
  subgraphRequestsOf,
  type AttackGraph,
  type StockGateway,
} from './support';

// docs/SECURITY.md §6 A1–A7, A9: each check is one function run against our gateway (must hold) and
// against an UNPROTECTED stock Apollo gateway over the same subgraphs (must NOT hold), so every
// test proves the protection rather than just an outcome. Bounds carry ~2–3× headroom over the
// design's numbers (measured on a quiet 2-core box) because CI shares the machine.

/** A1 p99 per attack (design: 50 ms; measured 10–80 ms here depending on the box's load). */
const ATTACK_P99_MS = 200;
/**
 * A3 health probe worst latency. Design: 100 ms; quiet box: ~20–60 ms. With other engineers'
 * suites loading this 2-core box (load average 8 measured) CPU starvation alone gave stalls up
 * to ~500 ms, so the bound is 1 s; the stock gateway stalls ~1.8 s on a 19-level bomb (quiet).
 */
const PROBE_MAX_MS = 1_000;
/**
 * A3 memory growth over ~1,000 attacks (design: gateway RSS < 50 MB). The whole graph and the
 * client share this process, and RSS moves with GC timing on a busy box (112 MB seen once in CI
 * with no leak), so the bound is on memory retained after a full GC (`retainedMb`).
 */
const ATTACK_RETAINED_MB = 50;
/** A5 time to a 413 (design: 100 ms). */
const BODY_413_MS = 250;
/** A5 memory retained after a full GC over the six oversized bodies (design: RSS 20 MB). */
const BODY_RETAINED_MB = 20;

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

interface Sent {
  status: number;
  code: string | undefined;
  ms: number;
  text: string;
}

let salt = 0;

/**
 * Sends one attack. Each query text gets a unique trailing comment (not a token) so neither
 * gateway can answer a repeat from its parsed-document cache: every attack costs what a fresh
 * one would.
 */
async function send(url: string, delivery: Delivery): Promise<Sent> {
  if (delivery.kind === 'streamed') {
    const result = await postStreamed(url, delivery.bytes, {
      declareLength: delivery.declareLength,
      timeoutMs: 30_000,
    });
    return { status: result.status, code: result.code, ms: result.ms, text: result.error ?? '' };
  }
  const body = delivery.body as { query?: unknown };
  const unique =
    typeof body.query === 'string' ? { ...body, query: `${body.query}\n# ${++salt}` } : body;
  // application/graphql-response+json: the media type whose request errors are 4xx (GraphQL
  // over HTTP); as application/json, parse/validation failures are 200 with `errors`.
  const response = await raw({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE_JSON },
    body: JSON.stringify(unique),
    timeoutMs: 30_000,
  });
  const first = Array.isArray(response.json) ? undefined : response.json?.errors?.[0];
  const code = first?.extensions?.code;
  return {
    status: response.status,
    code: typeof code === 'string' ? code : undefined,
    ms: response.ms,
    text: response.text,
  };
}

interface AttackReport {
  requests: number;
  fiveXX: number;
  /** Subgraph `/graphql` requests caused by the attacks. */
  subgraphRequests: number;
  p99: number;
  /** Shapes answered with another status or code than a protected gateway must give. */
  wrong: string[];
  /** Shapes answered 200 (served). */
  served: string[];
}

/** Sends every shape `rounds` times, one at a time, counting subgraph requests per shape. */
async function attack(t: AttackGraph, url: string, shapes: Shape[], rounds: number) {
  const report: AttackReport = {
    requests: 0,
    fiveXX: 0,
    subgraphRequests: 0,
    p99: 0,
    wrong: [],
    served: [],
  };
  const latencies: number[] = [];
  for (const shape of shapes) {
    const before = await subgraphRequests(t.graph);
    for (let round = 0; round < rounds; round++) {
      const sent = await send(url, shape.delivery);
      report.requests += 1;
      latencies.push(sent.ms);
      if (sent.status >= 500) report.fiveXX += 1;
      const codeOk =
        sent.code !== undefined &&
        REJECTION_CODES.has(sent.code) &&
        (!shape.code || sent.code === shape.code);
      if ((sent.status !== shape.status || !codeOk) && !report.wrong.includes(shape.name)) {
        report.wrong.push(`${shape.name}: HTTP ${sent.status} ${sent.code ?? '(no code)'}`);
      }
      if (sent.status === 200 && !report.served.includes(shape.name))
        report.served.push(shape.name);
    }
    report.subgraphRequests += (await subgraphRequests(t.graph)) - before;
  }
  report.p99 = round(percentile(latencies, 99));
  return report;
}

const rejectsSafely = (r: AttackReport) =>
  r.wrong.length === 0 && r.subgraphRequests === 0 && r.fiveXX === 0 && r.p99 < ATTACK_P99_MS;

describe('attacks on the gateway (docs/SECURITY.md §6 A)', () => {
  let t: AttackGraph;
  let stock: StockGateway;
  let defaults: RunningGateway;
  let slug: string;

  beforeAll(async () => {
    t = await startAttackGraph({ production: true });
    stock = await startStockGateway(t.graph);
    // Our gateway again with the DEFAULT request limits (login budget 10 per IP+email) for A9.
    defaults = await startExtraGateway(t.graph, { production: true });
    const first = await gql(t.url, 'query { products(first: 1) { edges { node { slug } } } }');
    slug = (first.json?.data as { products: { edges: Array<{ node: { slug: string } }> } }).products
      .edges[0]!.node.slug;
  });

  afterAll(async () => {
    await stock?.stop();
    await defaults?.stop();
    await t?.stop();
  });

  it('A1: malicious §1.6 shapes and just-over-limit shapes → 400/413 with a code, 0 subgraph requests, 0 5xx, p99 bound; the stock gateway serves them', async () => {
    const shapes = maliciousShapes(slug);
    // The just-over shapes really are one past OUR limits (self-check against the analyzer).
    const schema = apiSchema();
    for (const shape of shapes) {
      if (!shape.justOver || shape.delivery.kind !== 'json') continue;
      const query = (shape.delivery.body as { query: string }).query;
      const analysis = analyzeOperation(query, { schema });
      expect(analysis.ok ? 'ok' : analysis.code, shape.name).toBe(shape.code);
    }
    expect(tokenCount(tokenQuery(DEFAULT_LIMITS.maxTokens + 1))).toBe(DEFAULT_LIMITS.maxTokens + 1);
    const over = analyzeOperation(costQuery(DEFAULT_LIMITS.maxCost + 1), { schema });
    expect(over.ok ? undefined : over.cost).toBe(DEFAULT_LIMITS.maxCost + 1);

    const ours = await attack(t, t.url, shapes, 10);
    console.log('[A1] protected', JSON.stringify(ours));
    expect(ours.requests).toBe(shapes.length * 10);
    expect(ours.wrong).toEqual([]);
    expect(ours.served).toEqual([]);
    expect(ours.subgraphRequests).toBe(0);
    expect(ours.fiveXX).toBe(0);
    expect(ours.p99).toBeLessThan(ATTACK_P99_MS);
    expect(rejectsSafely(ours)).toBe(true);

    // Unprotected: once per shape is enough to show it (and keeps the stock gateway's slow
    // shapes — 1,000 entity aliases ≈ 1.4 s — from eating the time budget).
    const stockReport = await attack(t, stock.url, shapes, 1);
    console.log('[A1] stock', JSON.stringify(stockReport));
    expect(rejectsSafely(stockReport)).toBe(false);
    expect(stockReport.subgraphRequests).toBeGreaterThan(0);
    // Every "just over" shape and the §1.6 classes our limits stop got through.
    const justOver = shapes.filter((s) => s.justOver).map((s) => s.name);
    expect(stockReport.served).toEqual(expect.arrayContaining(justOver));
    expect(stockReport.served).toEqual(
      expect.arrayContaining([
        'deep nesting ×100 (list fan-out)',
        'alias overloading 1,000 × product(id)',
        'fragment bomb 14 levels',
        'array batch of 100',
        'variables 10 MB',
        'introspection __schema',
        'list blow-up (products × variants × product × variants)',
      ]),
    );
  });

  it('A2: just-under-limit shapes (exactly at each limit) → 200 with data', async () => {
    // No unprotected counterpart: a gateway without limits serves these too, so comparing
    // proves nothing; A2 guards against the protection over-blocking legitimate operations.
    const schema = apiSchema();
    expect(tokenCount(tokenQuery(DEFAULT_LIMITS.maxTokens))).toBe(DEFAULT_LIMITS.maxTokens);
    expect(parseWithLimit(tokenQuery(DEFAULT_LIMITS.maxTokens)).ok).toBe(true);
    const atCost = analyzeOperation(costQuery(DEFAULT_LIMITS.maxCost), { schema });
    expect(atCost).toEqual({ ok: true, cost: DEFAULT_LIMITS.maxCost });
    const failures: string[] = [];
    for (const shape of justUnderShapes(slug)) {
      if (shape.delivery.kind === 'json') {
        const query = (shape.delivery.body as { query: string }).query;
        expect(analyzeOperation(query, { schema }).ok, shape.name).toBe(true);
      }
      for (let round = 0; round < 3; round++) {
        if (shape.delivery.kind === 'streamed') {
          const body = await postStreamed(t.url, shape.delivery.bytes, {
            declareLength: shape.delivery.declareLength,
          });
          if (body.status !== 200) failures.push(`${shape.name}: HTTP ${body.status}`);
          continue;
        }
        const response = await raw({
          url: t.url,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(shape.delivery.body),
        });
        const data = response.json?.data;
        if (response.status !== 200 || !data || response.json?.errors) {
          failures.push(`${shape.name}: HTTP ${response.status} ${response.text.slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('A3: health probe every 50 ms stays fast and RSS bounded during ~1,000 attacks incl. fragment bombs 14/20/24; the stock gateway stalls', async () => {
    const underAttack = async (
      target: { url: string; healthUrl: string },
      attacks: Delivery[],
      options: { concurrency: number; warmUp: number },
    ) => {
      const { concurrency } = options;
      // Warm-up round so first-use allocations (JIT, caches) are not counted as growth.
      await runPool(attacks.slice(0, options.warmUp), concurrency, (d) => send(target.url, d));
      const rssBefore = rssMb();
      const retainedBefore = retainedMb();
      const probe = startProbe(target.healthUrl, { intervalMs: 50 });
      const sent = await runPool(attacks, concurrency, (d) => send(target.url, d));
      await sleep(100);
      const probed = await probe.stop();
      const statuses = new Set(sent.map((s) => s.status));
      return {
        attacks: sent.length,
        statuses: [...statuses].sort(),
        probes: probed.count,
        probeFailures: probed.failures.length,
        probeMaxMs: round(probed.max),
        rssGrowthMb: round(rssMb() - rssBefore),
        retainedGrowthMb: round(retainedMb() - retainedBefore),
      };
    };
    type Outcome = Awaited<ReturnType<typeof underAttack>>;
    const staysHealthy = (o: Outcome) =>
      o.probeFailures === 0 &&
      o.probeMaxMs < PROBE_MAX_MS &&
      o.retainedGrowthMb < ATTACK_RETAINED_MB &&
      o.statuses.every((s) => s === 400 || s === 413);

    const mix: Delivery[] = [
      ...maliciousShapes(slug).map((s) => s.delivery),
      ...[14, 20, 24].map((levels) => ({
        kind: 'json' as const,
        body: { query: fragmentBomb(levels) },
      })),
    ];
    const attacks = Array.from({ length: 1000 }, (_, i) => mix[i % mix.length]!);
    const ours = await underAttack(t, attacks, { concurrency: 4, warmUp: 30 });
    console.log('[A3] protected', JSON.stringify(ours));
    expect(ours.attacks).toBe(1000);
    expect(ours.statuses.every((s) => s === 400 || s === 413)).toBe(true);
    expect(ours.probes).toBeGreaterThan(10);
    expect(ours.probeFailures).toBe(0);
    expect(ours.probeMaxMs).toBeLessThan(PROBE_MAX_MS);
    expect(ours.retainedGrowthMb).toBeLessThan(ATTACK_RETAINED_MB);
    expect(staysHealthy(ours)).toBe(true);

    // Unprotected: one 19-level fragment bomb (20 and 24 would stall this shared box for many
    // seconds to minutes; 18 levels block ~0.7 s on a quiet box, ~2.5× more per level).
    const bombs: Delivery[] = [19].map((levels) => ({
      kind: 'json',
      body: { query: fragmentBomb(levels) },
    }));
    const theirs = await underAttack(stock, bombs, { concurrency: 1, warmUp: 0 });
    console.log('[A3] stock', JSON.stringify(theirs));
    expect(staysHealthy(theirs)).toBe(false);
    expect(theirs.probeMaxMs).toBeGreaterThanOrEqual(PROBE_MAX_MS);
    expect(theirs.statuses).toEqual([200]);
  });

  it('A4: CSRF — simple GET and POST text/plain, multipart/form-data, x-www-form-urlencoded → 400; GET with apollo-require-preflight → 200', async () => {
    const query = '{ __typename }';
    const csrf = async (url: string) => {
      const get = `${url}?query=${encodeURIComponent(query)}`;
      const simple = {
        'GET without headers': await raw({ url: get }),
        'POST text/plain': await raw({
          url,
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({ query }),
        }),
        'POST multipart/form-data': await raw({
          url,
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data; boundary=x' },
          body: `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${query}\r\n--x--\r\n`,
        }),
        'POST x-www-form-urlencoded': await raw({
          url,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `query=${encodeURIComponent(query)}`,
        }),
      };
      const preflighted = await raw({ url: get, headers: { 'apollo-require-preflight': 'true' } });
      return {
        simpleStatuses: Object.fromEntries(Object.entries(simple).map(([k, r]) => [k, r.status])),
        executed: Object.entries(simple)
          .filter(([, r]) => r.json?.data)
          .map(([k]) => k),
        preflighted: preflighted.status,
        preflightedData: preflighted.json?.data ?? null,
      };
    };
    const blocksCsrf = (r: Awaited<ReturnType<typeof csrf>>) =>
      Object.values(r.simpleStatuses).every((s) => s === 400) &&
      r.executed.length === 0 &&
      r.preflighted === 200;

    const ours = await csrf(t.url);
    expect(ours.simpleStatuses).toEqual({
      'GET without headers': 400,
      'POST text/plain': 400,
      'POST multipart/form-data': 400,
      'POST x-www-form-urlencoded': 400,
    });
    expect(ours.preflighted).toBe(200);
    expect(ours.preflightedData).toEqual({ __typename: 'Query' });
    expect(blocksCsrf(ours)).toBe(true);

    // Unprotected (csrfPrevention: false): the simple cross-site GET executes. (Its POSTs with
    // non-JSON types are 400 only because the standalone body parser ignores those types.)
    const theirs = await csrf(stock.url);
    console.log('[A4] stock', JSON.stringify(theirs));
    expect(blocksCsrf(theirs)).toBe(false);
    expect(theirs.executed).toContain('GET without headers');
  });

  it('A5: bodies just over the limit, 10 MB and 60 MB (streamed, declared and chunked) → 413 fast, RSS bounded', async () => {
    const bodies = async (url: string) => {
      const rssBefore = rssMb();
      const retainedBefore = retainedMb();
      const results: Array<{ bytes: number; declared: boolean; status: number; ms: number }> = [];
      for (const bytes of [MAX_BODY_BYTES + 1, 10_000_000, 60_000_000]) {
        for (const declareLength of [true, false]) {
          const r = await postStreamed(url, bytes, { declareLength, timeoutMs: 30_000 });
          results.push({ bytes, declared: declareLength, status: r.status, ms: round(r.ms) });
        }
      }
      return {
        results,
        rssGrowthMb: round(rssMb() - rssBefore),
        retainedGrowthMb: round(retainedMb() - retainedBefore),
      };
    };
    const refusesFast = (r: Awaited<ReturnType<typeof bodies>>) =>
      r.results.every((x) => x.status === 413 && x.ms < BODY_413_MS) &&
      r.retainedGrowthMb < BODY_RETAINED_MB;

    const ours = await bodies(t.url);
    console.log('[A5] protected', JSON.stringify(ours));
    expect(ours.results.map((r) => r.status)).toEqual([413, 413, 413, 413, 413, 413]);
    expect(Math.max(...ours.results.map((r) => r.ms))).toBeLessThan(BODY_413_MS);
    expect(ours.retainedGrowthMb).toBeLessThan(BODY_RETAINED_MB);
    expect(refusesFast(ours)).toBe(true);

    // Unprotected: the standalone server accepts up to 50 MB (parses a 10 MB body and answers
    // 200) and reads a 60 MB body whole before its 413.
    const theirs = await bodies(stock.url);
    console.log('[A5] stock', JSON.stringify(theirs));
    expect(refusesFast(theirs)).toBe(false);
    expect(theirs.results.find((r) => r.bytes === 10_000_000)?.status).toBe(200);
  });

  it('A6: array batches of 2 and 100 operations → 400 "Operation batching disabled", no subgraph request', async () => {
    const batches = async (url: string) => {
      const out: Array<{
        size: number;
        status: number;
        message: unknown;
        subgraphRequests: number;
      }> = [];
      for (const size of [2, 100]) {
        const before = await subgraphRequests(t.graph);
        const r = await raw({
          url,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            Array.from({ length: size }, () => ({ query: '{ categories { id } }' })),
          ),
        });
        const message = Array.isArray(r.json) ? null : r.json?.errors?.[0]?.message;
        out.push({
          size,
          status: r.status,
          message,
          subgraphRequests: (await subgraphRequests(t.graph)) - before,
        });
      }
      return out;
    };
    const refusesBatches = (r: Awaited<ReturnType<typeof batches>>) =>
      r.every(
        (x) =>
          x.status === 400 &&
          x.message === 'Operation batching disabled.' &&
          x.subgraphRequests === 0,
      );

    const ours = await batches(t.url);
    expect(ours).toEqual([
      { size: 2, status: 400, message: 'Operation batching disabled.', subgraphRequests: 0 },
      { size: 100, status: 400, message: 'Operation batching disabled.', subgraphRequests: 0 },
    ]);
    expect(refusesBatches(ours)).toBe(true);

    // Unprotected (allowBatchedHttpRequests: true): both batches run, 100 operations at once.
    const theirs = await batches(stock.url);
    console.log('[A6] stock', JSON.stringify(theirs));
    expect(refusesBatches(theirs)).toBe(false);
    expect(theirs.map((x) => x.status)).toEqual([200, 200]);
    expect(theirs[1]!.subgraphRequests).toBeGreaterThan(0);
  });

  it('A7: production — __schema/__type → 400, no "Did you mean" and no stacktrace in any error', async () => {
    const probes = [
      { query: '{ __schema { queryType { name } } }' },
      { query: '{ __type(name: "Product") { fields { name } } }' },
      { query: '{ prodcts { id } }' },
      { query: '{ products(frist: 1) { totalCount } }' },
      { query: '{ product(slug: "x") { nmae } }' },
      { query: 'query($n: Int) { products(first: $n) { totalCount } }', variables: { n: 'x' } },
      { query: '{ products(first: 1) { totalCount }' },
      { query: '{ categories { id ...on Prodct { id } } }' },
    ];
    const leaks = async (url: string) => {
      const responses = await Promise.all(
        probes.map((body) =>
          raw({
            url,
            method: 'POST',
            // Refused introspection is a validation error: 400 as graphql-response+json.
            headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE_JSON },
            body: JSON.stringify(body),
          }),
        ),
      );
      return {
        introspectionStatuses: [responses[0]!.status, responses[1]!.status],
        introspectionAnswered: responses.slice(0, 2).some((r) => r.json?.data),
        suggestions: responses.filter((r) => r.text.includes('Did you mean')).length,
        stacktraces: responses.filter((r) => r.text.includes('stacktrace')).length,
        uncoded: responses.filter((r) =>
          (r.json?.errors ?? []).some((e) => typeof e.extensions?.code !== 'string'),
        ).length,
        errorsReturned: responses.filter((r) => r.json?.errors?.length).length,
      };
    };
    const hidesSchema = (r: Awaited<ReturnType<typeof leaks>>) =>
      r.introspectionStatuses.every((s) => s === 400) &&
      !r.introspectionAnswered &&
      r.suggestions === 0 &&
      r.stacktraces === 0;

    const ours = await leaks(t.url);
    expect(ours).toEqual({
      introspectionStatuses: [400, 400],
      introspectionAnswered: false,
      suggestions: 0,
      stacktraces: 0,
      uncoded: 0,
      errorsReturned: probes.length,
    });
    expect(hidesSchema(ours)).toBe(true);

    // Unprotected (no NODE_ENV=production): introspection answered, hints and stack traces out.
    const theirs = await leaks(stock.url);
    console.log('[A7] stock', JSON.stringify(theirs));
    expect(hidesSchema(theirs)).toBe(false);
    expect(theirs.introspectionAnswered).toBe(true);
    expect(theirs.suggestions).toBeGreaterThan(0);
    expect(theirs.stacktraces).toBeGreaterThan(0);
  });

  it('A9: login aliased 15× in one request counts as 15 attempts → 429 with retry-after (default request limits), no password checked', async () => {
    const bruteForce = async (url: string) => {
      const logins = (email: string, n: number) =>
        `mutation { ${Array.from(
          { length: n },
          (_, i) =>
            `a${i}: login(input: { email: "${email}", password: "wrong-${i}" }) { accessToken }`,
        ).join(' ')} }`;
      const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
      const userBefore = await subgraphRequestsOf(t.graph, 'user');
      const fifteen = await gql(url, logins(`a9-${stamp}@example.com`, 15));
      const userAfter = await subgraphRequestsOf(t.graph, 'user');
      // Counting per field: 9 aliased attempts fit the budget of 10 (counted, then refused with
      // 400 TOO_MANY_PASSWORD_FIELDS: one password field per operation, issue 15), 2 more do not.
      const other = `a9b-${stamp}@example.com`;
      const nine = await gql(url, logins(other, 9));
      const two = await gql(url, logins(other, 2));
      return {
        fifteen: {
          status: fifteen.status,
          code: fifteen.json?.errors?.[0]?.extensions?.code,
          retryAfter: fifteen.headers['retry-after'],
          userSubgraphRequests: userAfter - userBefore,
        },
        nine: nine.status,
        two: two.status,
      };
    };
    const countsEachAlias = (r: Awaited<ReturnType<typeof bruteForce>>) =>
      r.fifteen.status === 429 &&
      r.fifteen.code === 'RATE_LIMITED' &&
      /^\d+$/.test(String(r.fifteen.retryAfter)) &&
      r.fifteen.userSubgraphRequests === 0 &&
      r.nine === 400 &&
      r.two === 429;

    const ours = await bruteForce(defaults.url);
    console.log('[A9] protected', JSON.stringify(ours));
    expect(ours.fifteen).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      userSubgraphRequests: 0,
    });
    expect(Number(ours.fifteen.retryAfter)).toBeGreaterThan(0);
    expect([ours.nine, ours.two]).toEqual([400, 429]);
    expect(countsEachAlias(ours)).toBe(true);

    // Unprotected: all 15 passwords are checked in one request, no 429.
    const theirs = await bruteForce(stock.url);
    console.log('[A9] stock', JSON.stringify(theirs));
    expect(countsEachAlias(theirs)).toBe(false);
    expect(theirs.fifteen.status).toBe(200);
    expect(theirs.fifteen.userSubgraphRequests).toBeGreaterThan(0);
  });
});
