import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import type { ErrorCode, ErrorCodeSubset } from '@shop/http';
import { Agent, type Dispatcher } from 'undici';

/**
 * Resilient gateway → subgraph fetcher (docs/SECURITY.md §0 items 3–4, §6 B2).
 *
 * `RemoteGraphQLDataSource`'s default fetcher (make-fetch-happen) has no timeout and unlimited
 * sockets, so one hung subgraph stalls every request that touches it. This fetcher:
 * - sends with one undici `Agent` per subgraph (keep-alive pool of at most `maxSockets: 64`
 *   connections), so sockets are reused and bounded. undici replaced `node:http`'s keep-alive
 *   agent: ~1.4× the requests per second at ~0.67× the client CPU per request
 *   (`gateway/scripts/fetcher-bench.ts`);
 * - buffers the whole response and aborts the request after `timeoutMs` (connect + headers + body)
 *   with a `SUBGRAPH_TIMEOUT` error;
 * - keeps a circuit breaker: after `failureThreshold` consecutive failures (network error, timeout,
 *   HTTP 5xx) it opens for `openMs` and rejects at once with `SUBGRAPH_UNAVAILABLE`; then it lets
 *   one trial request through (half-open) and closes on its success or re-opens on its failure.
 * No retries: mutations must never be replayed.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Breaker defaults: open after 5 consecutive failures, try again after 1 s. A short open
 * interval brings a restarted subgraph back within ~1 s (docs/SECURITY.md B1: full responses ≤ 2 s
 * after the restart); while it is still down, each interval costs one trial request.
 */
export const DEFAULT_BREAKER = { failureThreshold: 5, openMs: 1_000 } as const;

export type SubgraphErrorCode = ErrorCodeSubset<'SUBGRAPH_TIMEOUT' | 'SUBGRAPH_UNAVAILABLE'>;

export interface SubgraphFetcherOptions {
  /** Subgraph name, used in error messages and `serviceName`. */
  subgraph: string;
  /** Whole-request timeout (connect, headers and body). Default 2000 ms. */
  timeoutMs?: number;
  breaker?: {
    /** Consecutive failures that open the breaker. Default 5. */
    failureThreshold?: number;
    /** How long the breaker stays open before a trial request. Default 1000 ms. */
    openMs?: number;
  };
  /** Pooled keep-alive connections. Default true. */
  keepAlive?: boolean;
  /** Connection cap per subgraph origin. Default 64. */
  maxSockets?: number;
}

export interface SubgraphFetcher extends Fetcher {
  readonly subgraph: string;
  /** Breaker state, for tests and metrics. */
  state(): BreakerState;
  /**
   * Counts, for the breaker, the outcome of a caller that shared another caller's request
   * (in-flight deduplication, dedup.ts): every caller counts, as without sharing.
   */
  noteShared(ok: boolean): void;
  /** Destroys pooled sockets (tests, shutdown). */
  close(): void;
}

/** Rejection of the subgraph fetcher for a timeout or an open breaker. */
export class SubgraphFetchError extends Error {
  constructor(
    message: string,
    readonly code: SubgraphErrorCode,
    readonly subgraph: string,
  ) {
    super(message);
    this.name = 'SubgraphFetchError';
  }
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function createSubgraphFetcher(options: SubgraphFetcherOptions): SubgraphFetcher {
  const { subgraph } = options;
  const timeoutMs = options.timeoutMs ?? 2000;
  const failureThreshold = options.breaker?.failureThreshold ?? DEFAULT_BREAKER.failureThreshold;
  const openMs = options.breaker?.openMs ?? DEFAULT_BREAKER.openMs;
  const agent = new Agent({
    connections: options.maxSockets ?? 64,
    // `pipelining: 0` closes each connection after its response (no keep-alive).
    ...(options.keepAlive === false ? { pipelining: 0 } : {}),
    keepAliveTimeout: 4_000,
  });
  // The data source calls one URL: keep its parsed form.
  let lastUrl = '';
  let lastTarget = { origin: '', path: '' };
  const targetOf = (url: string) => {
    if (url !== lastUrl) {
      const parsed = new URL(url);
      lastTarget = { origin: parsed.origin, path: parsed.pathname + parsed.search };
      lastUrl = url;
    }
    return lastTarget;
  };

  let state: 'closed' | 'open' | 'half-open' = 'closed';
  let failures = 0;
  let openUntil = 0;
  let trialInFlight = false;

  const current = (): BreakerState => {
    if (state === 'open' && Date.now() >= openUntil) {
      state = 'half-open';
      trialInFlight = false;
    }
    return state;
  };

  const open = () => {
    state = 'open';
    openUntil = Date.now() + openMs;
    trialInFlight = false;
  };

  const settle = (ok: boolean, trial: boolean) => {
    if (trial) {
      if (ok) {
        state = 'closed';
        failures = 0;
        trialInFlight = false;
      } else open();
      return;
    }
    // Late results of requests sent before the breaker opened do not move it.
    if (state !== 'closed') return;
    if (ok) failures = 0;
    else if (++failures >= failureThreshold) open();
  };

  const unavailable = () =>
    new SubgraphFetchError(
      `Subgraph "${subgraph}" is unavailable (circuit open)`,
      'SUBGRAPH_UNAVAILABLE',
      subgraph,
    );

  const send = (url: string, init: FetcherRequestInit): Promise<FetcherResponse> =>
    new Promise<FetcherResponse>((resolve, reject) => {
      const { origin, path } = targetOf(url);
      const controller = new AbortController();
      let done = false;
      const finish = (error: unknown, response?: FetcherResponse) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        init.signal?.removeEventListener?.('abort', onAbort);
        if (response) resolve(response);
        else reject(error);
      };
      const timer = setTimeout(() => {
        finish(
          new SubgraphFetchError(
            `Subgraph "${subgraph}" did not answer within ${timeoutMs} ms`,
            'SUBGRAPH_TIMEOUT',
            subgraph,
          ),
        );
        controller.abort();
      }, timeoutMs);
      const onAbort = () => {
        finish((init.signal as AbortSignal).reason ?? new Error('Aborted'));
        controller.abort();
      };
      if (init.signal?.aborted) return onAbort();
      init.signal?.addEventListener?.('abort', onAbort, { once: true });
      agent
        .request({
          origin,
          path,
          method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
          headers: init.headers ?? {},
          body: init.body ?? null,
          signal: controller.signal,
        })
        .then(async (res) => {
          // Buffers the whole body (the timeout covers it too).
          const body = Buffer.from(await res.body.arrayBuffer());
          finish(undefined, toResponse(url, res, body));
        })
        .catch((error: unknown) => finish(error));
    });

  const fetcher = async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const now = current();
    if (now === 'open') throw unavailable();
    const trial = now === 'half-open';
    if (trial) {
      if (trialInFlight) throw unavailable();
      trialInFlight = true;
    }
    let response: FetcherResponse;
    try {
      response = await send(url, init);
    } catch (error) {
      // A caller's own abort says nothing about the subgraph's health.
      if (init.signal?.aborted && !(error instanceof SubgraphFetchError)) {
        if (trial) trialInFlight = false;
      } else settle(false, trial);
      throw error;
    }
    settle(response.status < 500, trial);
    return response;
  };

  return Object.assign(fetcher, {
    subgraph,
    state: current,
    noteShared: (ok: boolean) => settle(ok, false),
    close() {
      void agent.destroy().catch(() => undefined);
    },
  });
}

function toResponse(url: string, res: Dispatcher.ResponseData, body: Buffer): FetcherResponse {
  const headers = new Headers();
  for (const name in res.headers) {
    const value = res.headers[name];
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.append(name, value);
  }
  const status = res.statusCode;
  const response = new Response(NULL_BODY_STATUSES.has(status) ? null : body, {
    status,
    statusText: res.statusText ?? '',
    headers,
  });
  // `Response.url` is '' for constructed responses; keep the subgraph URL like fetch does.
  Object.defineProperty(response, 'url', { value: url });
  return response;
}

const UNAVAILABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'SUBGRAPH_UNAVAILABLE',
  // undici: the connection closed or failed mid-request, or could not be made in time.
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Maps a fetch failure to the GraphQL error the client sees, naming the service and never the
 * internal URL: timeouts → `SUBGRAPH_TIMEOUT`, open breaker and connection failures →
 * `SUBGRAPH_UNAVAILABLE`. A `GraphQLError` (e.g. from `errorFromResponse`) is returned as is;
 * anything else becomes `DOWNSTREAM_SERVICE_ERROR` with a generic message.
 */
export function downstreamError(subgraph: string, error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const original = error instanceof Error ? error : undefined;
  if (code === 'SUBGRAPH_TIMEOUT') {
    return new GraphQLError(original?.message ?? `Subgraph "${subgraph}" did not answer in time`, {
      extensions: { code, serviceName: subgraph },
    });
  }
  if (UNAVAILABLE_NETWORK_CODES.has(code)) {
    return new GraphQLError(
      code === 'SUBGRAPH_UNAVAILABLE' && original
        ? original.message
        : `Subgraph "${subgraph}" is unavailable`,
      { extensions: { code: 'SUBGRAPH_UNAVAILABLE' satisfies ErrorCode, serviceName: subgraph } },
    );
  }
  return new GraphQLError(`Error while fetching from subgraph "${subgraph}"`, {
    extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' satisfies ErrorCode, serviceName: subgraph },
  });
}
