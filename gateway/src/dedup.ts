import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import type { DocumentNode } from 'graphql';
import type { Identity } from '@shop/auth';
import type { SubgraphFetcher } from './fetcher';

/**
 * In-flight deduplication of identical subgraph query fetches (docs/subgraph-dedup.md).
 *
 * Fetches with the same key that overlap in time share one HTTP request; the entry is removed
 * the moment that request settles, so this is never a cache. The key is
 * (subgraph, caller identity, request body): the body holds the document, the variables and the
 * operation name; the identity is what the internal token carries (user id and roles, or
 * anonymous), never the token string. Headers that do not change a query's answer
 * (`traceparent`, the client IP and User-Agent, read only by user-subgraph mutations) are not in
 * the key. Only query operations are shared: mutations and subscriptions always get their own
 * request.
 *
 * The data source marks a shareable fetch with {@link DEDUP_IDENTITY_HEADER} (set in
 * `willSendRequest`); the fetcher below removes that header before anything is sent, and sends
 * unmarked fetches as they are.
 */

/** Internal marker from the data source to the dedup fetcher; never sent to a subgraph. */
export const DEDUP_IDENTITY_HEADER = 'x-shop-gateway-dedup-identity';

/** What the internal token says about the caller: user id and the sorted set of roles. */
export function identityKey(identity: Identity | null | undefined): string {
  if (!identity) return 'anonymous';
  const roles = [...new Set(identity.roles)].sort();
  return encodeURIComponent(JSON.stringify(['user', identity.userId, roles]));
}

/** The document's single operation is a query (unknown or anything else: not shareable). */
function isQueryDocument(document: DocumentNode | undefined, query: string | undefined): boolean {
  if (document) {
    const operations = document.definitions.filter(
      (definition) => definition.kind === 'OperationDefinition',
    );
    return operations.length === 1 && operations[0]?.operation === 'query';
  }
  // Query plans send one operation, `query …` or `{ … }`; anything else is not shared.
  if (!query || /\b(mutation|subscription)\b/.test(query)) return false;
  return /^\s*(query\b|\{)/.test(query);
}

/**
 * The marker value for a fetch of a query operation of an incoming request (the caller's
 * identity key), or undefined when the fetch must not be shared.
 */
export function dedupMarker<TContext extends { identity?: Identity | null }>(
  options: GraphQLDataSourceProcessOptions<TContext>,
): string | undefined {
  if (options.kind !== 'incoming operation') return undefined;
  if (!isQueryDocument(options.document, options.request.query)) return undefined;
  return identityKey(options.context?.identity);
}

export interface FetchDedupStats {
  /** Fetches answered by another fetch's request (no HTTP request of their own). */
  deduplicated: number;
  /** Shared requests under way now. */
  inFlight: number;
}

export interface FetchDedup {
  /** The fetcher of one subgraph with deduplication in front (one in-flight table per subgraph). */
  wrap(fetcher: Fetcher): Fetcher;
  stats(): FetchDedupStats;
}

/** A settled shared request: the response itself when it had one caller, else its bytes. */
type Outcome =
  | { only: FetcherResponse }
  | {
      url: string;
      status: number;
      statusText: string;
      headers: Array<[string, string]>;
      body: Uint8Array | null;
    };

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

interface InFlight {
  callers: number;
  outcome: Promise<Outcome>;
}

/** A fresh response (own body stream, own headers) from a settled shared request. */
function responseOf(outcome: Outcome): FetcherResponse {
  if ('only' in outcome) return outcome.only;
  const response = new Response(outcome.body ? outcome.body.slice() : null, {
    status: outcome.status,
    statusText: outcome.statusText,
    headers: outcome.headers,
  });
  Object.defineProperty(response, 'url', { value: outcome.url });
  return response;
}

/** Waits for `promise`, or rejects as soon as this caller's own `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: FetcherRequestInit['signal']): Promise<T> {
  if (!signal) return promise;
  const abortSignal = signal as AbortSignal;
  if (abortSignal.aborted) return Promise.reject(abortSignal.reason ?? new Error('Aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortSignal.reason ?? new Error('Aborted'));
    abortSignal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        abortSignal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        abortSignal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function createFetchDedup(): FetchDedup {
  let deduplicated = 0;
  let inFlight = 0;

  const wrap = (fetcher: Fetcher): Fetcher => {
    const table = new Map<string, InFlight>();
    return async (url, init = {}) => {
      const headers = init.headers as Record<string, string> | undefined;
      const identity = headers?.[DEDUP_IDENTITY_HEADER];
      if (identity === undefined || !headers) return fetcher(url, init);
      const { [DEDUP_IDENTITY_HEADER]: _marker, ...sentHeaders } = headers;
      // A caller's own abort signal never reaches the shared request.
      const { signal, ...rest } = init;
      const sent: FetcherRequestInit = { ...rest, headers: sentHeaders };
      if (typeof init.body !== 'string' || (init.method ?? 'GET') !== 'POST') {
        return fetcher(url, { ...sent, ...(signal ? { signal } : {}) });
      }
      const key = `${url}\n${identity}\n${init.body}`;
      let entry = table.get(key);
      if (entry) {
        entry.callers += 1;
        deduplicated += 1;
        // The breaker counts every caller, so a hung subgraph opens it as soon with identical
        // queries as with different ones (fetcher.ts).
        const noteShared = (fetcher as Partial<SubgraphFetcher>).noteShared;
        entry.outcome.then(
          (outcome) =>
            noteShared?.(('only' in outcome ? outcome.only.status : outcome.status) < 500),
          () => noteShared?.(false),
        );
      } else {
        const created = { callers: 1 } as InFlight;
        // Settled: gone at once, so a later identical fetch sends its own request.
        const settle = () => {
          table.delete(key);
          inFlight -= 1;
        };
        created.outcome = fetcher(url, sent).then(
          async (response): Promise<Outcome> => {
            settle();
            // One caller: it takes the response itself. More: each gets a copy of the bytes.
            if (created.callers === 1) return { only: response };
            const bytes = new Uint8Array(await response.arrayBuffer());
            return {
              url: response.url || url,
              status: response.status,
              statusText: response.statusText,
              headers: [...response.headers],
              body: NULL_BODY_STATUSES.has(response.status) ? null : bytes,
            };
          },
          (error: unknown) => {
            settle();
            throw error;
          },
        );
        table.set(key, created);
        inFlight += 1;
        entry = created;
      }
      return responseOf(await untilAborted(entry.outcome, signal));
    };
  };

  return {
    wrap,
    stats: () => ({ deduplicated, inFlight }),
  };
}
