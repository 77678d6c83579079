import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import {
  bearerToken,
  createVerifier,
  identityFromPayload,
  INTERNAL_TOKEN_ISSUER,
  INTERNAL_TOKEN_TYPE,
  internalAudience,
  withVerificationCache,
  type KeySource,
} from '@shop/auth';
import {
  graphqlMetricsPlugin,
  HttpMetrics,
  isPublicErrorCode,
  startHttpServer,
  type ErrorCode,
  type RouteHandler,
  type RunningHttpServer,
} from '@shop/http';
import {
  CLIENT_HEADER_MAX_LENGTH,
  CLIENT_IP_HEADER,
  CLIENT_USER_AGENT_HEADER,
  type BaseSubgraphContext,
} from './errors';
import { enforceAuthDirective } from './auth-directive';
import { jitExecutorGateway } from './jit';
import { isTransientDatabaseError } from './transient';
import { isInvalidTextDatabaseError } from './invalid-text';
import { attachWebSocketEndpoint, type WsAuthResult } from './websocket';
import { graphqlTracingPlugin, traceGraphQLServer, tracingEnabled } from './tracing';
import { apolloLogger, log } from '@shop/log';

export interface CreateSubgraphOptions<TContext extends BaseSubgraphContext> {
  /** Subgraph name, as in the supergraph (`user`, `product`…); also the internal token audience. */
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  /** Keys that sign the gateway's internal tokens (a JWKS URL in production). */
  gatewayKeys: KeySource;
  /** Adds subgraph-specific fields (repositories, loaders…) to the base context. */
  context: (base: BaseSubgraphContext) => TContext | Promise<TContext>;
  port?: number;
  host?: string;
  readiness?: () => Promise<void>;
  routes?: Record<string, RouteHandler>;
  /**
   * Also serve GraphQL over WebSocket (graphql-ws, `graphql-transport-ws`) at `/graphql` on the
   * same server, with the same schema and context factory. The socket is authenticated once by
   * the `authorization` (or `Authorization`) connection parameter, `Bearer <gateway token>`,
   * verified like HTTP requests; missing → close 4401, invalid → 4403.
   */
  subscriptions?: boolean;
  /**
   * How queries execute: `jit` (default) compiles each distinct operation once with
   * graphql-jit (`jit.ts`); `graphql-js` interprets every request. Mutations, introspection and
   * subscriptions always use graphql-js.
   */
  executor?: 'jit' | 'graphql-js';
}

export interface RunningSubgraph extends RunningHttpServer {
  name: string;
}

/**
 * Masks every error whose code is not in the public set: the client sees
 * `INTERNAL_SERVER_ERROR` without a stack trace; the original is logged with its cause.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (isPublicErrorCode(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const original = unwrapResolverError(error);
  if (isTransientDatabaseError(original)) {
    log.warn('[graphql] database or called service unavailable', original);
    return {
      message: 'The service is temporarily unavailable; retry the request',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: 'SERVICE_UNAVAILABLE' satisfies ErrorCode, retryable: true },
    };
  }
  if (isInvalidTextDatabaseError(original)) {
    // Not logged with the error: its message carries the statement's parameters.
    log.warn('[graphql] the database refused a text value (invalid byte sequence)');
    return {
      message: 'A text value contains characters that cannot be stored (e.g. NUL)',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode },
    };
  }
  log.error('[graphql] internal error', original);
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' satisfies ErrorCode },
  };
}

const rejected = (message: string) =>
  new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED' satisfies ErrorCode, http: { status: 401 } },
  });

/**
 * Starts one subgraph: Apollo Server over `buildSubgraphSchema`, error masking, `/healthz`,
 * `/readyz`, and authentication of every GraphQL request by the gateway's signed internal token.
 * Identity comes only from that token; any other header (e.g. a forged `x-user-id`) is ignored,
 * and a request without a valid token is answered 401.
 */
export async function createSubgraph<TContext extends BaseSubgraphContext>(
  options: CreateSubgraphOptions<TContext>,
): Promise<RunningSubgraph> {
  // The gateway reuses each internal token for ~30 s (per subgraph and identity), so a token is
  // verified once and its successful result served from a bounded cache until its `exp`.
  const verify = withVerificationCache(
    createVerifier({
      keys: options.gatewayKeys,
      issuer: INTERNAL_TOKEN_ISSUER,
      audience: internalAudience(options.name),
      type: INTERNAL_TOKEN_TYPE,
      requireSubject: false,
    }),
    { maxEntries: 10_000 },
  );
  const schema = buildSubgraphSchema({
    typeDefs: options.typeDefs,
    resolvers: options.resolvers as GraphQLResolverMap<unknown>,
  });
  // `@auth(requires: …)` on fields and object types: checked before their resolvers run.
  enforceAuthDirective(schema, options.typeDefs);
  // Prometheus metrics at `GET /metrics`, labelled with the subgraph name.
  const metrics = new HttpMetrics(options.name);
  const apollo = new ApolloServer<TContext>({
    ...(options.executor === 'graphql-js' ? { schema } : { gateway: jitExecutorGateway(schema) }),
    formatError,
    // Apollo's own messages go through the redacting logger too.
    logger: apolloLogger,
    includeStacktraceInErrorResponses: false,
    // The process's signal handler (`onShutdownSignal`) stops the servers in order; see there.
    stopOnTerminationSignals: false,
    // Compact JSON: Apollo Server pretty-prints results by default (~6 % of the gateway's CPU on
    // large responses in bench/gateway's profile, and bigger bodies on every hop).
    stringifyResult: (result) => JSON.stringify(result),
    introspection: true,
    csrfPrevention: true,
    plugins: [
      // Inline traces (ftv1) would expose resolver timings to anyone holding a gateway token.
      ApolloServerPluginInlineTraceDisabled(),
      // No subgraph declares @cacheControl and the gateway ignores cache hints; the default
      // cache-control plugin would still wrap every field resolver (Apollo's
      // schemaInstrumentation) — ~7 % of the order subgraph's CPU on the order history page in
      // bench/gateway/profile-order.md, plus a promise per field for the GC.
      ApolloServerPluginCacheControlDisabled(),
      graphqlMetricsPlugin<TContext>(metrics),
      // OpenTelemetry (README "Tracing"): only when tracing is on.
      ...(tracingEnabled() ? [graphqlTracingPlugin<TContext>()] : []),
    ],
  });
  await apollo.start();
  // A SERVER span per request, child of the gateway's `traceparent` (no-op when tracing is off).
  traceGraphQLServer(apollo, options.name);

  const context = async (req: IncomingMessage): Promise<TContext> => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw rejected('Missing gateway token');
    const result = await verify(token);
    if (!result.ok) throw rejected(`Invalid gateway token: ${result.code}`);
    const requestId = firstHeader(req.headers['x-request-id']) ?? randomUUID();
    const clientIp = firstHeader(req.headers[CLIENT_IP_HEADER]);
    const userAgent = firstHeader(req.headers[CLIENT_USER_AGENT_HEADER]);
    return options.context({
      identity: identityFromPayload(result.payload),
      requestId,
      ...(clientIp ? { clientIp: clientIp.slice(0, CLIENT_HEADER_MAX_LENGTH) } : {}),
      ...(userAgent ? { userAgent: userAgent.slice(0, CLIENT_HEADER_MAX_LENGTH) } : {}),
    });
  };

  const authenticate = async (authorization: string | undefined): Promise<WsAuthResult> => {
    const token = bearerToken(authorization);
    if (!token) return { ok: false, code: 'MISSING', reason: 'Missing gateway token' };
    const result = await verify(token);
    if (result.ok) return { ok: true, identity: identityFromPayload(result.payload) };
    return {
      ok: false,
      code: result.code === 'KEYS_UNAVAILABLE' ? 'KEYS_UNAVAILABLE' : 'INVALID',
      reason: `Invalid gateway token: ${result.code}`,
    };
  };

  const http = await startHttpServer<TContext>({
    apollo: apollo as ApolloServer<TContext & BaseContext>,
    context,
    metrics,
    port: options.port ?? 0,
    ...(options.host ? { host: options.host } : {}),
    ...(options.readiness ? { readiness: options.readiness } : {}),
    ...(options.routes ? { routes: options.routes } : {}),
  });
  const ws = options.subscriptions
    ? attachWebSocketEndpoint<TContext>({
        server: http.server,
        schema,
        authenticate,
        context: options.context,
        formatError,
      })
    : undefined;
  return {
    ...http,
    name: options.name,
    async stop(timeoutMs) {
      // Upgraded sockets keep `server.close()` waiting: close them before draining HTTP.
      await ws?.close();
      await http.stop(timeoutMs);
      await apollo.stop();
    },
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
