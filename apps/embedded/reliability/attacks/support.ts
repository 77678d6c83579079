/**
 * Shared harness of the attack and load suites (docs/SECURITY.md §6 A and E): the protected graph,
 * extra gateways over the same subgraphs, a deliberately UNPROTECTED stock Apollo gateway over
 * the same subgraphs (to show each protection is what makes a test pass), subgraph request
 * counting, raw HTTP helpers (streamed bodies, odd content types), a health prober and latency
 * statistics. All traffic goes to 127.0.0.1.
 */
import { createScratchDatabase } from '@shop/testing';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { loadSigningKey, mintInternalToken, type SigningKey } from '@shop/auth';
import { readCommittedSupergraph } from '@shop/schema';
import { startEmbeddedGraph, type EmbeddedGraph } from '../../src/embedded';
import { startGateway, type GatewayLimitOptions, type RunningGateway } from '@shop/gateway';
import type { GatewayPersistedQueryOptions } from '@shop/gateway';

export type Target = 'pglite' | 'postgres';

/** Postgres when DATABASE_URL is set (CI), else PGlite. */
export function databaseTarget(): { target: Target; baseUrl: string | undefined } {
  // eslint-disable-next-line no-restricted-syntax -- tests pick their targets from the environment
  const baseUrl = process.env.DATABASE_URL;
  return { target: baseUrl ? 'postgres' : 'pglite', baseUrl };
}

/** Per-IP/per-user budgets high enough for thousands of attacks from 127.0.0.1 in seconds. */
export const HIGH_REQUEST_LIMITS = {
  perIp: { points: 10_000_000, durationMs: 60_000 },
  newOperationsPerIp: { points: 10_000_000, durationMs: 60_000 },
  perUser: { points: 10_000_000, durationMs: 60_000 },
  loginPerIp: { points: 100_000, durationMs: 60_000 },
  loginPerIpEmail: { points: 10_000, durationMs: 60_000 },
  accountCreationPerIp: { points: 100_000, durationMs: 60_000 },
} as const;

export interface AttackGraph {
  graph: EmbeddedGraph;
  /** The protected gateway's `/graphql`. */
  url: string;
  /** Its `/healthz`. */
  healthUrl: string;
  target: Target;
  stop(): Promise<void>;
}

/**
 * The whole graph in this process (all subgraphs + our gateway). `production` and the default
 * operation limits as shipped; per-IP/user budgets raised so attack volume is not answered by
 * the rate limiter instead of the check under test (A9 uses a second gateway with the defaults).
 */
export async function startAttackGraph(
  options: {
    production?: boolean;
    database?: 'auto' | 'pglite';
    subgraphTimeoutMs?: number;
    /** The response cache `pnpm start` runs with (off by default here). */
    responseCache?: boolean;
  } = {},
): Promise<AttackGraph> {
  const { target, baseUrl } =
    options.database === 'pglite'
      ? { target: 'pglite' as const, baseUrl: undefined }
      : databaseTarget();
  let drop: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  if (target === 'postgres' && baseUrl) {
    const scratch = await createScratchDatabase(baseUrl, 'shop_rel');
    databaseUrl = scratch.url;
    drop = scratch.drop;
  }
  const graph = await startEmbeddedGraph({
    databaseUrl,
    port: 0,
    seed: true,
    accessTokenKey: await loadSigningKey(),
    production: options.production ?? true,
    requestLimits: HIGH_REQUEST_LIMITS,
    subgraphTimeoutMs: options.subgraphTimeoutMs ?? 10_000,
    ...(options.responseCache ? { responseCache: {} } : {}),
  });
  return {
    graph,
    url: graph.gatewayUrl,
    healthUrl: graph.gatewayUrl.replace(/\/graphql$/, '/healthz'),
    target,
    async stop() {
      await graph.stop();
      await drop?.();
    },
  };
}

/** Subgraph URLs by name, as the embedded gateway uses them. */
export function subgraphUrls(graph: EmbeddedGraph): Record<string, string> {
  return Object.fromEntries(Object.entries(graph.subgraphs).map(([name, s]) => [name, s.url]));
}

/** Another instance of OUR gateway over the same subgraphs, with its own options. */
export async function startExtraGateway(
  graph: EmbeddedGraph,
  options: {
    limits?: GatewayLimitOptions;
    production?: boolean;
    maxBodyBytes?: number;
    persistedQueries?: GatewayPersistedQueryOptions;
  } = {},
): Promise<RunningGateway> {
  return startGateway({
    supergraphSdl: readCommittedSupergraph(),
    subgraphUrls: subgraphUrls(graph),
    accessTokenKeys: new URL('/.well-known/jwks.json', graph.subgraphs.user!.url),
    signingKey: graph.gatewayKey,
    port: 0,
    host: '127.0.0.1',
    subscriptions: { enabled: false },
    ...(options.production ? { production: true } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(options.persistedQueries ? { persistedQueries: options.persistedQueries } : {}),
  });
}

/** Adds nothing but the internal token the subgraphs require (anonymous caller). */
class InternalTokenOnly extends RemoteGraphQLDataSource {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly key: SigningKey,
  ) {
    super({ url });
  }
  override async willSendRequest(options: GraphQLDataSourceProcessOptions) {
    const token = await mintInternalToken(this.key, this.subgraph, null);
    options.request.http?.headers.set('authorization', `Bearer ${token}`);
  }
}

export interface StockGateway {
  url: string;
  /** A cheap GET the stock server answers (it has no /healthz): `{ __typename }`. */
  healthUrl: string;
  stop(): Promise<void>;
}

/**
 * The UNPROTECTED counterpart: `@apollo/gateway` + Apollo Server 5's `startStandaloneServer`
 * over the same running subgraphs, with no limits plugin, no rate limits, no body limit of ours
 * (the standalone server's 50 MB JSON limit applies), no parse token limit and no recursive
 * selection limit. Apollo Server 5 already defaults to CSRF prevention ON and batching OFF, so
 * those two are switched off explicitly here to stand for a gateway without them; `nodeEnv:
 * 'development'` stands for a deployment without NODE_ENV=production (introspection, "Did you
 * mean" hints and stack traces on).
 */
export async function startStockGateway(graph: EmbeddedGraph): Promise<StockGateway> {
  const urls = subgraphUrls(graph);
  const gateway = new ApolloGateway({
    supergraphSdl: readCommittedSupergraph(),
    buildService: ({ name, url }) =>
      new InternalTokenOnly(name, urls[name] ?? url ?? '', graph.gatewayKey),
  });
  const server = new ApolloServer({
    gateway,
    nodeEnv: 'development',
    csrfPrevention: false,
    allowBatchedHttpRequests: true,
    introspection: true,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  const graphqlUrl = new URL('/graphql', url).toString();
  return {
    url: graphqlUrl,
    healthUrl: `${graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`,
    stop: () => server.stop(),
  };
}

/** `/graphql` requests every subgraph has served so far (from each subgraph's /metrics). */
export async function subgraphRequests(graph: EmbeddedGraph): Promise<number> {
  let total = 0;
  for (const subgraph of Object.values(graph.subgraphs)) {
    const text = await (await fetch(new URL('/metrics', subgraph.url))).text();
    for (const match of text.matchAll(
      /http_requests_total\{[^}]*route="\/graphql"[^}]*\} (\d+)/g,
    )) {
      total += Number(match[1]);
    }
  }
  return total;
}

/** Same, for one subgraph. */
export async function subgraphRequestsOf(graph: EmbeddedGraph, name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', graph.subgraphs[name]!.url))).text();
  let total = 0;
  for (const match of text.matchAll(/http_requests_total\{[^}]*route="\/graphql"[^}]*\} (\d+)/g)) {
    total += Number(match[1]);
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP

export const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  ms: number;
  /** The JSON body when it parses. */
  json: GraphQLBody | undefined;
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

export interface RawRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs?: number;
}

/** One HTTP request over the keep-alive agent; the answer whatever the status. */
export function raw(req: RawRequest): Promise<RawResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const r = httpRequest(
      req.url,
      {
        method: req.method ?? (body ? 'POST' : 'GET'),
        agent,
        headers: {
          ...(body ? { 'content-length': String(body.length) } : {}),
          ...req.headers,
        },
        timeout: req.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            ms: performance.now() - started,
            json: parseJson(text),
          });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timeout after ${req.timeoutMs ?? 30_000} ms`)));
    r.on('error', reject);
    r.end(body);
  });
}

function parseJson(text: string): GraphQLBody | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as GraphQLBody) : undefined;
  } catch {
    return undefined;
  }
}

/** POSTs a GraphQL request as `application/json`. */
export function gql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<RawResponse> {
  return raw({
    url,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
  });
}

export interface StreamedResult {
  /** HTTP status, or 0 when the connection ended without one. */
  status: number;
  /** Time to the response's status line (or to the connection error). */
  ms: number;
  /** Bytes written before the answer (or the error) arrived. */
  sentBytes: number;
  code: string | undefined;
  error?: string;
}

/**
 * POSTs `totalBytes` of JSON (`{"query":"{ __typename }","variables":{"pad":"xxxx…"}}`),
 * generated and streamed in 64 KiB chunks (never held in memory), with or without a declared
 * Content-Length (chunked transfer otherwise). Stops writing as soon as the server answers.
 * A fresh connection each time: the server closes it after a 413.
 */
export function postStreamed(
  url: string,
  totalBytes: number,
  options: { declareLength: boolean; timeoutMs?: number },
): Promise<StreamedResult> {
  const head = Buffer.from('{"query":"{ __typename }","variables":{"pad":"');
  const tail = Buffer.from('"}}');
  const padBytes = Math.max(0, totalBytes - head.length - tail.length);
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const started = performance.now();
  return new Promise((resolve) => {
    let sent = 0;
    let done = false;
    const finish = (result: Omit<StreamedResult, 'ms' | 'sentBytes'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...result, ms: performance.now() - started, sentBytes: sent });
      r.destroy();
    };
    const r = httpRequest(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        ...(options.declareLength
          ? { 'content-length': String(head.length + padBytes + tail.length) }
          : { 'transfer-encoding': 'chunked' }),
      },
    });
    const timer = setTimeout(
      () => finish({ status: 0, code: undefined, error: 'client timeout' }),
      options.timeoutMs ?? 30_000,
    );
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const json = parseJson(Buffer.concat(chunks).toString('utf8'));
        const code = json?.errors?.[0]?.extensions?.code;
        finish({ status: res.statusCode ?? 0, code: typeof code === 'string' ? code : undefined });
      });
      res.on('error', () => finish({ status: res.statusCode ?? 0, code: undefined }));
    });
    r.on('error', (error) => finish({ status: 0, code: undefined, error: error.message }));
    let remaining = padBytes;
    const pump = () => {
      if (done) return;
      if (sent === 0) {
        sent += head.length;
        if (!r.write(head)) return void r.once('drain', pump);
      }
      while (remaining > 0 && !done) {
        const piece = remaining >= chunk.length ? chunk : chunk.subarray(0, remaining);
        remaining -= piece.length;
        sent += piece.length;
        if (!r.write(piece)) return void r.once('drain', pump);
      }
      if (!done) {
        sent += tail.length;
        r.end(tail);
      }
    };
    pump();
  });
}

// ---------------------------------------------------------------------------------------------
// Statistics and probes

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export const round = (n: number) => Math.round(n * 10) / 10;

export const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

setFlagsFromString('--expose_gc');
/** V8's `gc()`, reachable at run time (the flag applies to contexts created after it is set). */
const forceGc = runInNewContext('gc') as () => void;

/**
 * Memory the process still holds after a full garbage collection (JS heap + external buffers),
 * in MB: growth of this across an attack is retained memory (a leak or an unbounded cache),
 * unlike RSS, which also moves with allocator and GC timing on a busy box.
 */
export function retainedMb(): number {
  forceGc();
  forceGc();
  const { heapUsed, external } = process.memoryUsage();
  return (heapUsed + external) / 1024 / 1024;
}

/**
 * GETs `url` every `intervalMs` until stopped. A probe's latency runs from the moment it was
 * DUE (not when it was sent), so a blocked event loop anywhere in the process shows up.
 */
export function startProbe(
  url: string,
  options: { intervalMs?: number; headers?: Record<string, string> } = {},
) {
  const interval = options.intervalMs ?? 50;
  const latencies: number[] = [];
  const failures: string[] = [];
  let stopped = false;
  const begin = performance.now();
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const due = begin + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stopped) break;
      // Probes that fell due while the loop was blocked are sent now, late.
      try {
        const response = await raw({
          url,
          ...(options.headers ? { headers: options.headers } : {}),
          timeoutMs: 30_000,
        });
        if (response.status !== 200) failures.push(`HTTP ${response.status}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
      latencies.push(performance.now() - due);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { count: latencies.length, max: Math.max(0, ...latencies), latencies, failures };
    },
  };
}

/** Runs `tasks` with at most `concurrency` at a time, in order of the array. */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  });
  await Promise.all(workers);
  return results;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
