import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';

/**
 * Resilient gateway → subgraph fetcher (SECURITY.md §0 items 3–4, §6 B2).
 *
 * `RemoteGraphQLDataSource`'s default fetcher (make-fetch-happen) has no timeout and unlimited
 * sockets, so one hung subgraph stalls every request that touches it. This fetcher:
 * - sends over `node:http`/`node:https` with one pooled keep-alive `Agent` per subgraph
 *   (`maxSockets: 64`), so sockets are reused and bounded (global `fetch` would need an undici
 *   `dispatcher`, i.e. a new dependency, to bound or configure its pool);
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
 * interval brings a restarted subgraph back within ~1 s (SECURITY.md B1: full responses ≤ 2 s
 * after the restart); while it is still down, each interval costs one trial request.
 */
export const DEFAULT_BREAKER = { failureThreshold: 5, openMs: 1_000 } as const;

export type SubgraphErrorCode = 'SUBGRAPH_TIMEOUT' | 'SUBGRAPH_UNAVAILABLE';

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
  /** Socket cap per subgraph. Default 64. */
  maxSockets?: number;
}

export interface SubgraphFetcher extends Fetcher {
  readonly subgraph: string;
  /** Breaker state, for tests and metrics. */
  state(): BreakerState;
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
  const agentOptions = {
    keepAlive: options.keepAlive ?? true,
    maxSockets: options.maxSockets ?? 64,
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

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
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      let done = false;
      const finish = (error: unknown, response?: FetcherResponse) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        init.signal?.removeEventListener?.('abort', onAbort);
        if (response) resolve(response);
        else reject(error);
      };
      const req = (secure ? https : http).request(
        target,
        {
          method: init.method ?? 'GET',
          headers: init.headers ?? {},
          agent: secure ? httpsAgent : httpAgent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => finish(error));
          res.on('aborted', () => finish(new Error(`Subgraph "${subgraph}" response aborted`)));
          res.on('end', () => {
            try {
              finish(undefined, toResponse(url, res, Buffer.concat(chunks)));
            } catch (error) {
              finish(error);
            }
          });
        },
      );
      const timer = setTimeout(() => {
        finish(
          new SubgraphFetchError(
            `Subgraph "${subgraph}" did not answer within ${timeoutMs} ms`,
            'SUBGRAPH_TIMEOUT',
            subgraph,
          ),
        );
        req.destroy();
      }, timeoutMs);
      const onAbort = () => {
        finish((init.signal as AbortSignal).reason ?? new Error('Aborted'));
        req.destroy();
      };
      if (init.signal?.aborted) return onAbort();
      init.signal?.addEventListener?.('abort', onAbort, { once: true });
      req.on('error', (error) => finish(error));
      req.end(init.body);
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
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}

function toResponse(url: string, res: IncomingMessage, body: Buffer): FetcherResponse {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const status = res.statusCode ?? 502;
  const response = new Response(NULL_BODY_STATUSES.has(status) ? null : body, {
    status,
    statusText: res.statusMessage ?? '',
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
      { extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: subgraph } },
    );
  }
  return new GraphQLError(`Error while fetching from subgraph "${subgraph}"`, {
    extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: subgraph },
  });
}
