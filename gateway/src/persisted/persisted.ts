import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext, PersistedQueryOptions } from '@apollo/server';
import { loadOperations } from '@shop/schema';
import type { ErrorCode } from '@shop/http';
import { GraphQLError } from '../subscriptions/graphql';
import { ApqCache, DEFAULT_APQ_CACHE_BYTES, type ApqStore } from './apq-cache';
import { RedisApqCache } from './redis-apq-cache';
import { Safelist, sha256Hex } from './safelist';

/**
 * - `apq`: automatic persisted queries (Apollo's protocol): a client may send only the sha256
 *   of a query it sent before; any query still runs. Default.
 * - `safelist`: only operations of the registry (`schema/operations`) run, by id or by their
 *   exact text; anything else is refused with 400 before any subgraph is called.
 * - `off`: full query text only (a persisted-query extension gets PERSISTED_QUERY_NOT_SUPPORTED).
 */
/**
 * Marks (as a context key no client can send) an operation whose text was derived by the
 * gateway from a request `intercept` already resolved: the `@defer` step (defer/http.ts) runs a
 * checked operation as texts of its own, which are neither registered nor safelisted.
 */
export const TEXT_RESOLVED: unique symbol = Symbol('persisted text resolved');

export type PersistedQueryMode = 'apq' | 'safelist' | 'off';

export const PERSISTED_QUERY_MODES: readonly PersistedQueryMode[] = ['apq', 'safelist', 'off'];

export interface GatewayPersistedQueryOptions {
  /** Default `apq`. */
  mode?: PersistedQueryMode;
  /**
   * Safelist: the allowed operations (ids are recomputed from the bodies). Default: every
   * operation of the registry in `dir`.
   */
  operations?: ReadonlyArray<{ body: string; name?: string | undefined; id?: string }>;
  /** Safelist: the registry folder; default `schema/operations`. */
  dir?: string | undefined;
  /**
   * APQ: total size of the cached query texts in this process; least recently used go first.
   * Default 16 MiB. With `apqRedisUrl`, the budget of each gateway's in-memory copy.
   */
  apqCacheMaxBytes?: number;
  /**
   * APQ: seconds an entry lives. In memory: default none (only the size bound evicts). In
   * Redis: since it was last registered or hit; default one day.
   */
  apqTtlSeconds?: number;
  /**
   * APQ: Redis shared by every gateway instance, so a hash registered on one gateway is a hit on
   * all of them (RedisApqCache); in memory of this process when absent.
   */
  apqRedisUrl?: string | undefined;
  /** APQ in Redis: key prefix; default `apq:`. */
  apqRedisPrefix?: string;
}

export const PERSISTED_QUERY_ERROR_CODES = {
  notInSafelist: 'PERSISTED_QUERY_NOT_IN_SAFELIST',
  hashMismatch: 'PERSISTED_QUERY_HASH_MISMATCH',
  badRequest: 'BAD_REQUEST',
} as const satisfies Record<string, ErrorCode>;

/** What a request is allowed to run: `query` is the text to run when the gateway knows it. */
export type PersistedQueryResolution =
  | { ok: true; query: string | undefined; stripExtension: boolean }
  | { ok: false; error: GraphQLError };

/** The GraphQL parameters of a request (HTTP body, GET parameters or a graphql-ws payload). */
export interface PersistedQueryRequest {
  query?: unknown;
  extensions?: unknown;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** What Apollo parses in place of a refused request (see the plugin). */
const REFUSED_PLACEHOLDER = '{ __typename }';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const rejection = (message: string, code: ErrorCode): PersistedQueryResolution => ({
  ok: false,
  error: new GraphQLError(message, { extensions: { code, http: { status: 400 } } }),
});

const notInSafelistError = (what: string) =>
  new GraphQLError(
    `${what} is not in the safelist: only registered operations run on this gateway`,
    { extensions: { code: PERSISTED_QUERY_ERROR_CODES.notInSafelist, http: { status: 400 } } },
  );

const notInSafelist = (what: string): PersistedQueryResolution => ({
  ok: false,
  error: notInSafelistError(what),
});

export interface PersistedQueries {
  readonly mode: PersistedQueryMode;
  /** The APQ store (mode `apq` only): in memory, or in Redis with `apqRedisUrl`. */
  readonly apqCache: ApqStore | undefined;
  /** The allowed operations (mode `safelist` only). */
  readonly safelist: Safelist | undefined;
  /** Spread into the `ApolloServer` options. */
  readonly apolloOptions: { persistedQueries: PersistedQueryOptions | false };
  /** Releases the APQ store's Redis connection, if any. */
  close(): Promise<void>;
  /** Decides what a request may run (see {@link PersistedQueryResolution}). */
  resolve(request: PersistedQueryRequest): Promise<PersistedQueryResolution>;
  /** The Apollo Server plugin: the check for every operation Apollo runs (POST, GET). */
  plugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext>;
  /**
   * An `intercept` for `startHttpServer` that runs before `next` (rate limits, multipart
   * subscriptions): answers refused requests with 400 itself, and puts the text of a known hash
   * into the body so the next steps see the real document.
   */
  intercept(
    next?: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>,
  ): (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>;
  /**
   * The check for a graphql-ws subscribe payload (queries, mutations and subscriptions over the
   * socket): the text to run, or the errors to refuse it with.
   */
  checkSubscribePayload(payload: {
    query: string;
    extensions?: Record<string, unknown> | null | undefined;
  }): { query: string } | { errors: GraphQLError[] };
}

/** The APQ store: shared through Redis when a URL is given, else this process's LRU. */
function apqStore(options: GatewayPersistedQueryOptions): ApqStore {
  const maxBytes = options.apqCacheMaxBytes ?? DEFAULT_APQ_CACHE_BYTES;
  if (!options.apqRedisUrl) return new ApqCache(maxBytes);
  return new RedisApqCache(options.apqRedisUrl, {
    localMaxBytes: maxBytes,
    ...(options.apqRedisPrefix !== undefined ? { prefix: options.apqRedisPrefix } : {}),
    ...(options.apqTtlSeconds !== undefined ? { ttlSeconds: options.apqTtlSeconds } : {}),
  });
}

/** Builds the persisted-query behaviour of one gateway (see {@link PersistedQueryMode}). */
export function createPersistedQueries(
  options: GatewayPersistedQueryOptions = {},
): PersistedQueries {
  const mode = options.mode ?? 'apq';
  if (!PERSISTED_QUERY_MODES.includes(mode)) {
    throw new Error(`persisted queries: unknown mode "${String(mode)}"`);
  }
  const apqCache = mode === 'apq' ? apqStore(options) : undefined;
  const safelist =
    mode === 'safelist'
      ? new Safelist(options.operations ?? loadOperations(options.dir))
      : undefined;

  /** The persisted-query extension: undefined when absent, else its hash or a rejection. */
  const persistedHash = (
    extensions: unknown,
  ): { hash: string } | { rejected: PersistedQueryResolution } | undefined => {
    if (!isRecord(extensions) || extensions.persistedQuery === undefined) return undefined;
    const persisted = extensions.persistedQuery;
    if (!isRecord(persisted) || persisted.version !== 1) {
      return {
        rejected: rejection(
          'Unsupported persisted query version (send extensions.persistedQuery.version 1)',
          PERSISTED_QUERY_ERROR_CODES.badRequest,
        ),
      };
    }
    if (typeof persisted.sha256Hash !== 'string' || !HEX_SHA256.test(persisted.sha256Hash)) {
      return {
        rejected: rejection(
          'extensions.persistedQuery.sha256Hash must be a sha256 hex digest',
          PERSISTED_QUERY_ERROR_CODES.badRequest,
        ),
      };
    }
    return { hash: persisted.sha256Hash.toLowerCase() };
  };

  const hashMismatch = () =>
    rejection(
      'extensions.persistedQuery.sha256Hash is not the sha256 of the query',
      PERSISTED_QUERY_ERROR_CODES.hashMismatch,
    );

  const resolveSafelisted = (
    list: Safelist,
    request: PersistedQueryRequest,
  ): PersistedQueryResolution => {
    const query =
      typeof request.query === 'string' && request.query !== '' ? request.query : undefined;
    const persisted = persistedHash(request.extensions);
    if (persisted && 'rejected' in persisted) return persisted.rejected;
    if (persisted) {
      const operation = list.byHash(persisted.hash);
      if (!operation) return notInSafelist(`Persisted query ${persisted.hash}`);
      if (query !== undefined && list.byText(query)?.id !== operation.id) return hashMismatch();
      return { ok: true, query: operation.body, stripExtension: true };
    }
    if (query === undefined) return { ok: true, query: undefined, stripExtension: false };
    const operation = list.byText(query);
    if (!operation) return notInSafelist('This operation');
    return { ok: true, query: operation.body, stripExtension: false };
  };

  const resolve = async (request: PersistedQueryRequest): Promise<PersistedQueryResolution> => {
    if (safelist) return resolveSafelisted(safelist, request);
    if (mode === 'off') return { ok: true, query: undefined, stripExtension: false };
    const persisted = persistedHash(request.extensions);
    if (!persisted) return { ok: true, query: undefined, stripExtension: false };
    if ('rejected' in persisted) return persisted.rejected;
    if (typeof request.query === 'string') {
      // Registration: Apollo stores it once the operation has resolved.
      return sha256Hex(request.query) === persisted.hash
        ? { ok: true, query: undefined, stripExtension: false }
        : hashMismatch();
    }
    // A hit gives the text to the steps before Apollo (which looks it up again itself); a miss
    // is Apollo's PERSISTED_QUERY_NOT_FOUND, the client's cue to send the text.
    const cached = await apqCache?.lookup(persisted.hash);
    return { ok: true, query: cached, stripExtension: false };
  };

  const withoutPersistedQuery = (extensions: unknown) => {
    if (!isRecord(extensions)) return undefined;
    const { persistedQuery: _persisted, ...rest } = extensions;
    return Object.keys(rest).length > 0 ? rest : undefined;
  };

  return {
    mode,
    apqCache,
    safelist,
    apolloOptions: {
      persistedQueries:
        mode === 'apq'
          ? {
              cache: apqCache!,
              ...(options.apqTtlSeconds !== undefined && !options.apqRedisUrl
                ? { ttl: options.apqTtlSeconds }
                : {}),
            }
          : false,
    },
    resolve,
    close: async () => apqCache?.close(),

    plugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
      return {
        // Runs before Apollo reads the query or the APQ extension.
        async requestDidStart({ request, contextValue }) {
          // A text derived from one the HTTP step already resolved (defer/http.ts).
          if ((contextValue as Partial<Record<symbol, unknown>>)[TEXT_RESOLVED] === true) return;
          const resolution = await resolve(request);
          if (!resolution.ok) {
            // Apollo Server answers an error thrown from this hook with a 500; one thrown from
            // didResolveOperation becomes the response with its status (400). So a refused
            // request goes on as a trivial document that is refused there, before anything runs.
            request.query = REFUSED_PLACEHOLDER;
            const extensions = withoutPersistedQuery(request.extensions);
            if (extensions) request.extensions = extensions;
            else delete request.extensions;
            delete request.operationName;
            return {
              async didResolveOperation() {
                throw resolution.error;
              },
            };
          }
          if (mode !== 'safelist') return;
          if (resolution.query !== undefined) request.query = resolution.query;
          if (resolution.stripExtension) {
            // The id was checked against the safelist: run it as plain text (no APQ cache).
            const extensions = withoutPersistedQuery(request.extensions);
            if (extensions) request.extensions = extensions;
            else delete request.extensions;
          }
        },
      };
    },

    intercept(next) {
      return async (req, res, body) => {
        if (isRecord(body)) {
          const resolution = await resolve(body);
          if (!resolution.ok) {
            const text = JSON.stringify({
              errors: [
                {
                  message: resolution.error.message,
                  extensions: { code: resolution.error.extensions.code },
                },
              ],
            });
            res.writeHead(400, {
              'content-type': 'application/json; charset=utf-8',
              'content-length': Buffer.byteLength(text),
            });
            res.end(text);
            return true;
          }
          if (resolution.query !== undefined) body.query = resolution.query;
          if (resolution.stripExtension) {
            const extensions = withoutPersistedQuery(body.extensions);
            if (extensions) body.extensions = extensions;
            else delete body.extensions;
          }
        }
        return next ? next(req, res, body) : false;
      };
    },

    checkSubscribePayload(payload) {
      // The socket carries no APQ: only the safelist applies there.
      if (!safelist) return { query: payload.query };
      const resolution = resolveSafelisted(safelist, payload);
      if (!resolution.ok) {
        // Same code and message; no `http` extension on a socket.
        const { message, extensions } = resolution.error;
        return { errors: [new GraphQLError(message, { extensions: { code: extensions.code } })] };
      }
      if (resolution.query === undefined)
        return { errors: [notInSafelistError('An empty operation')] };
      return { query: resolution.query };
    },
  };
}
