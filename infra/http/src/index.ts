import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { ErrorCode } from './error-codes';
import { HttpMetrics } from './metrics';
import { log } from '@shop/log';

export { HttpMetrics, errorCodesOf, graphqlMetricsPlugin } from './metrics';
export * from './error-codes';

/** A handler for one extra route (health, JWKS, GraphiQL…). */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Builds the per-request context; throw a GraphQLError with `extensions.http.status` to reject. */
  context: (req: IncomingMessage) => Promise<TContext>;
  port: number;
  host?: string;
  /** Largest accepted request body; larger bodies get 413 before any parsing. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Extra routes by `METHOD path`, e.g. `GET /.well-known/jwks.json`. */
  routes?: Record<string, RouteHandler>;
  /** Throws when the service cannot serve traffic (readiness probe). */
  readiness?: () => Promise<void>;
  /** Serves `GET /graphql` for browsers (Accept: text/html), e.g. a GraphiQL page. */
  browserPage?: RouteHandler;
  /**
   * Called for `POST /graphql` once the body is read and parsed, and for `GET /graphql` with the
   * query-string parameters as the body (`query`, `operationName`, and `variables`/`extensions`
   * parsed from JSON when they are valid JSON), before Apollo Server sees the request.
   * Resolve `true` when the request was answered here (e.g. a rate-limit rejection or a
   * multipart subscription stream); `false` hands it on to Apollo Server unchanged.
   */
  intercept?: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>;
  /**
   * Runs first for every request, before routing, draining and body limits: headers it sets
   * stay on every response, errors included (the gateway's CORS, gateway/src/server/cors.ts).
   * Returns `true` when it answered the request itself (e.g. a CORS preflight).
   */
  onRequest?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /**
   * Prometheus metrics served at `GET /metrics` (always on): an {@link HttpMetrics} the caller
   * also feeds (e.g. with `graphqlMetricsPlugin`), or just the `service` label for a new one
   * (default `service: 'http'`). `/metrics` is unauthenticated: in production the port must be
   * bound to an internal interface or `/metrics` blocked at the edge.
   */
  metrics?: HttpMetrics | { service: string };
}

export interface RunningHttpServer {
  server: Server;
  port: number;
  url: string;
  /** This server's Prometheus metrics (served at `GET /metrics`). */
  metrics: HttpMetrics;
  /** Stops accepting requests, fails readiness, drains in-flight requests (up to `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Writes a JSON body with a status. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Sends a GraphQL-shaped error response (`{ errors: [{ message, extensions: { code } }] }`). */
function sendGraphQLError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

/** Reads a body up to `limit` bytes; throws HttpError 413 past it. */
async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit)
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit)
      throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function parseBody(text: string, contentType: string): unknown {
  if (text === '') return undefined;
  if (!contentType.includes('application/json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'request body is not valid JSON');
  }
}

/** A GET request's GraphQL parameters as a body-shaped object (for `intercept`). */
function searchParamsBody(params: URLSearchParams): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of ['query', 'operationName'] as const) {
    const value = params.get(name);
    if (value !== null) body[name] = value;
  }
  for (const name of ['variables', 'extensions'] as const) {
    const value = params.get(name);
    if (value === null) continue;
    try {
      body[name] = JSON.parse(value) as unknown;
    } catch {
      // Apollo Server answers malformed JSON parameters with 400 itself.
    }
  }
  return body;
}

/**
 * Serves an ApolloServer over node:http at `/graphql` with `/healthz`, `/readyz`, a body-size
 * limit, JSON errors with a `code` for every rejection, and graceful draining on `stop()`.
 */
export async function startHttpServer<TContext extends BaseContext>(
  options: HttpServerOptions<TContext>,
): Promise<RunningHttpServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const metrics =
    options.metrics instanceof HttpMetrics
      ? options.metrics
      : new HttpMetrics(options.metrics?.service ?? 'http');

  const routes: Record<string, RouteHandler> = {
    'GET /metrics': async (_req, res) => {
      const { contentType, body } = await metrics.render();
      res.writeHead(200, {
        'content-type': contentType,
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      res.end(body);
    },
    'GET /healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    'GET /readyz': async (_req, res) => {
      if (draining) return sendJson(res, 503, { status: 'draining' });
      try {
        await options.readiness?.();
        sendJson(res, 200, { status: 'ready' });
      } catch (error) {
        sendJson(res, 503, { status: 'unavailable', reason: (error as Error).message });
      }
    },
    ...options.routes,
  };

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const method = req.method ?? 'GET';
    if (
      method === 'GET' &&
      options.browserPage &&
      (req.headers.accept ?? '').includes('text/html')
    ) {
      return options.browserPage(req, res);
    }
    if (method !== 'GET' && method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      return sendGraphQLError(res, 405, 'METHOD_NOT_ALLOWED', `${method} is not supported`);
    }
    const text = method === 'POST' ? await readBody(req, maxBodyBytes) : '';
    const body = parseBody(text, req.headers['content-type'] ?? '');
    if (options.intercept) {
      const seen = method === 'POST' ? body : searchParamsBody(url.searchParams);
      if (await options.intercept(req, res, seen)) return;
    }
    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers: toHeaderMap(req), search: url.search, body },
      context: () => options.context(req),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const server = createServer((req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Only fixed paths become label values: unknown paths (ids, probes, typos) are `other`.
    const key = `${method} ${url.pathname}`;
    const routeLabel = url.pathname === '/graphql' || routes[key] ? url.pathname : 'other';
    let observed = false;
    // On 'finish' (handed to the OS, so a scrape right after the response sees it), or on
    // 'close' for responses that never finished (client gone).
    const observe = () => {
      if (observed) return;
      observed = true;
      metrics.observeRequest(
        KNOWN_METHODS.has(method) ? method : 'OTHER',
        routeLabel,
        res.statusCode,
        (performance.now() - started) / 1000,
      );
    };
    inFlight += 1;
    res.on('finish', observe);
    res.on('close', () => {
      observe();
      inFlight -= 1;
      if (draining && inFlight === 0) drained?.();
    });
    const handle = async () => {
      if (options.onRequest?.(req, res)) return;
      if (draining && url.pathname === '/graphql') {
        // A request that arrives on a kept-alive connection while draining: not started, so
        // the client may safely send it again (to another instance, or after the restart).
        res.setHeader('connection', 'close');
        res.setHeader('retry-after', '1');
        return sendJson(res, 503, {
          errors: [
            {
              message: 'The server is shutting down; retry the request',
              extensions: { code: 'SERVICE_UNAVAILABLE' satisfies ErrorCode, retryable: true },
            },
          ],
        });
      }
      if (url.pathname === '/graphql') return handleGraphQL(req, res, url);
      const route = routes[key];
      if (route) return route(req, res);
      sendJson(res, 404, { error: 'not found' });
    };
    handle().catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        res.setHeader('connection', 'close');
        return sendGraphQLError(res, error.status, error.code, error.message);
      }
      log.error('[http] unhandled error', error);
      sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  return {
    server,
    port,
    url: `http://${host}:${port}/graphql`,
    metrics,
    async stop(timeoutMs = 10_000) {
      if (draining) return;
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits. Used by each process's `main`.
 */
export function onShutdownSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`[shutdown] ${signal} received, draining`);
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error('[shutdown] failed', error);
        process.exit(1);
      });
  };
  // `on`, not `once`: while draining, a repeated signal (a second Ctrl+C) is ignored instead of
  // killing the process mid-drain. Every ApolloServer here is built with
  // `stopOnTerminationSignals: false`: Apollo's own handler stopped each server of a process at
  // once on the signal (in the embedded graph the cart subgraph before the gateway, so in-flight
  // checkouts failed), and its `stop()` never resolves for a second caller that arrives while the
  // first is still stopping (5.5.1 leaves that barrier unresolved on success), which hung
  // `pnpm start`'s shutdown for the full 15 s step bound.
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
