import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { toJwks, type KeySource, type SigningKey } from '@shop/auth';
import type { EventBus } from '@shop/events';
import {
  graphqlMetricsPlugin,
  HttpMetrics,
  sendJson,
  startHttpServer,
  type RunningHttpServer,
} from '@shop/http';
import {
  createServiceClient,
  formatError,
  graphqlTracingPlugin,
  traceGraphQLServer,
  tracingEnabled,
} from '@shop/subgraph';
import { AccountStatusCache, type AccountStatusOptions } from './account-status';
import { authDirectivePlugin, SupergraphAuthRules } from './auth-directive';
import { GATEWAY_SERVICE } from './tracing';
import { graphiqlPage, graphiqlRoutes } from './graphiql';
import {
  apolloLimitOptions,
  createLimitsIntercept,
  createRedisRateLimitStore,
  createRequestLimits,
  hideSuggestionsPlugin,
  inputBoundsPlugin,
  limitsPlugin,
  SupergraphInputBounds,
  SupergraphListSizes,
  SupergraphPasswordFields,
  executedPasswordFields,
  passwordFieldsPlugin,
  type InputLimits,
  type OperationLimits,
  type RequestLimitsOptions,
} from './limits';
import { EntityCache } from './entity-cache';
import { getOperationAST } from './limits/graphql';
import { PlanExecutor } from './execution/plan-executor';
import {
  registerEntityCacheMetrics,
  registerResponseCacheMetrics,
  registerUsageMetrics,
} from './metrics';
import {
  PublicCatalogFields,
  ResponseCache,
  responseCachePlugin,
  subscribeInvalidation,
  type ResponseCacheOptions,
} from './response-cache';
import {
  attachGraphqlWs,
  ConnectionsPerIp,
  createMultipartHandler,
  FederatedSubscriptionEngine,
  registerSubscriptionMetrics,
  type GraphqlWsServer,
  type SubscriptionLimits,
} from './subscriptions';
import { usagePlugin, UsageReporter } from './usage';
import { createPersistedQueries, type GatewayPersistedQueryOptions } from './persisted';
import { apolloLogger, log } from '@shop/log';
import { createAuthentication } from './server/authenticate';
import { requestContext, type GatewayContext } from './server/context';
import { SubgraphDataSources } from './server/data-source';

export type { GatewayContext } from './server/context';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Subgraph URL overrides by name; names missing here use the URL in the supergraph. */
  subgraphUrls: Record<string, string>;
  /** Keys that sign client access tokens (the user subgraph's JWKS URL in production). */
  accessTokenKeys: KeySource;
  /** The gateway's own key, used to sign the internal token sent with every subgraph request. */
  signingKey: SigningKey;
  port: number;
  host?: string;
  /** Production disables introspection and GraphiQL. */
  production?: boolean;
  maxBodyBytes?: number;
  limits?: GatewayLimitOptions;
  /**
   * Redis for the rate-limit counters, shared by every gateway instance; memory when absent.
   * While Redis is unreachable each instance counts in memory (limits never fail open).
   */
  redisUrl?: string | undefined;
  /**
   * Who runs query plans: `plan` (default: execution/plan-executor.ts, compiled per operation,
   * falling back to @apollo/gateway's executor for what it does not run) or `apollo`.
   */
  executor?: 'plan' | 'apollo';
  /** Per-subgraph call timeout; default 2 s (a hung subgraph gives partial data, not a hang). */
  subgraphTimeoutMs?: number;
  /** Federated subscriptions (graphql-ws and multipart HTTP on `/graphql`); on by default. */
  subscriptions?: GatewaySubscriptionOptions;
  /**
   * API usage reporting: one `graphql.operation.completed` event per (sampled) query/mutation
   * on `analytics.api-usage.v1`, published in the background. Absent → no usage events.
   * Subscriptions (served by the subscription engine) are not reported.
   */
  usage?: GatewayUsageOptions;
  /**
   * Persisted queries: `apq` (default; bounded in-memory APQ cache), `safelist` (only the
   * operations of `schema/operations` run; anything else gets 400 before any subgraph call) or
   * `off`. See gateway/README.md.
   */
  persistedQueries?: GatewayPersistedQueryOptions;
  /**
   * Whole-response cache for anonymous queries over public catalog fields (README
   * "Performance"), cleared by every catalog/inventory event on `bus`. Off when absent, and
   * off without a bus unless `ttlOnly` is set.
   */
  responseCache?: ResponseCacheOptions;
  /**
   * Access tokens of disabled or deleted accounts are refused (401) once the user subgraph's
   * answer, cached per account for `maxAgeMs` (default 30 s), says so (account-status.ts). On
   * by default when the supergraph has a `user` subgraph; `false` turns it off (stub subgraphs).
   */
  accountStatus?: AccountStatusOptions | false;
}

/** The query the gateway asks the user subgraph about accounts (SERVICE only). */
const ACCOUNT_STATUSES = `query AccountStatuses($userIds: [ID!]!) { accountStatuses(userIds: $userIds) { userId active } }`;

export interface GatewayUsageOptions {
  bus: EventBus;
  /** Share of operations reported, 0..1; default 1. */
  sampleRate?: number;
  /** Events held in memory at most; further events are dropped and counted. Default 10,000. */
  bufferSize?: number;
  /** Background flush period; default 250 ms (a batch of 200 is flushed at once). */
  flushIntervalMs?: number;
  /** Sampling randomness (tests); default `Math.random`. */
  random?: () => number;
}

/** Request limits (SECURITY.md §1): static operation checks and rate limits. */
export interface GatewayLimitOptions {
  /** Depth, aliases, directives, root fields, selections, tokens, cost. */
  operations?: Partial<OperationLimits>;
  /** String/ID lengths without `@maxLength`, variables' size and depth (input-bounds.ts). */
  inputs?: Partial<InputLimits>;
  /** Per-IP, per-user and login rate limits; `false` turns them off. */
  requests?: RequestLimitsOptions | false;
}

export interface GatewaySubscriptionOptions {
  /** `false` turns the subscription engine off (subscriptions then fail as before). */
  enabled?: boolean;
  limits?: Partial<SubscriptionLimits>;
  /** Multipart heartbeat interval. Default 5 s. */
  heartbeatMs?: number;
  /** graphql-ws server ping interval. Default 12 s. */
  keepAliveMs?: number;
}

/** The `sub` claim of a JWT, unverified (for tokens the user subgraph just issued). */
function tokenSubject(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    return typeof payload?.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

export interface RunningGateway extends RunningHttpServer {
  gateway: ApolloGateway;
  /** The subscription engine (`stats()`, `reload(sdl)`); undefined when disabled. */
  subscriptions: FederatedSubscriptionEngine | undefined;
  /** The usage reporter (`stats()`, `flush()`); undefined without the `usage` option. */
  usage: UsageReporter | undefined;
  /** The response cache (`stats()`, `clear()`); undefined when off. */
  responseCache: ResponseCache | undefined;
  /** The entity cache (`store.stats()`); on exactly when the response cache is. */
  entityCache: EntityCache | undefined;
  /** The plan executor (`stats`); undefined with `executor: 'apollo'`. */
  planExecutor: PlanExecutor | undefined;
  /** The account-status cache (`calls`); undefined when `accountStatus: false`. */
  accountStatus: AccountStatusCache | undefined;
}

/**
 * Starts the gateway: @apollo/gateway over the committed supergraph, JWT verification once per
 * request, identity forwarded to subgraphs as a signed internal token, GraphiQL for browsers.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const cacheOptions = options.responseCache;
  const responseCache =
    cacheOptions && cacheOptions.enabled !== false && (cacheOptions.bus || cacheOptions.ttlOnly)
      ? new ResponseCache(cacheOptions.ttlMs, cacheOptions.maxBytes)
      : undefined;
  const publicFields = responseCache
    ? new PublicCatalogFields(options.supergraphSdl, cacheOptions?.subgraph)
    : undefined;
  // On exactly when the response cache is: follows its clears, TTL and byte bound.
  const entityCache =
    responseCache && publicFields ? new EntityCache(publicFields, responseCache) : undefined;
  const dataSources = new SubgraphDataSources({
    subgraphUrls: options.subgraphUrls,
    signingKey: options.signingKey,
    timeoutMs: options.subgraphTimeoutMs,
    entities: entityCache,
  });
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger: apolloLogger,
    buildService: dataSources.build,
  });
  const planExecutor =
    options.executor === 'apollo'
      ? undefined
      : new PlanExecutor({
          supergraphSdl: options.supergraphSdl,
          dataSourceOf: dataSources.get,
          fallback: gateway.executor,
          // A new operation shape is planned only within the client IP's budget of new
          // operations (`limits` below).
          admitPlanning: async (requestContext) => {
            const ip = (requestContext.context as GatewayContext).clientIp;
            const result = ip && limits ? await limits.checkNewOperation(ip) : undefined;
            if (!result || result.ok) return undefined;
            return {
              message: result.message,
              code: result.code,
              ...(result.status === 429 ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
            };
          },
        });
  // Apollo Server takes the executor from `gateway.load()`, which returns this property.
  if (planExecutor) gateway.executor = planExecutor.execute;
  const engine =
    options.subscriptions?.enabled === false
      ? undefined
      : new FederatedSubscriptionEngine({
          supergraphSdl: options.supergraphSdl,
          subgraphUrls: options.subgraphUrls,
          signingKey: options.signingKey,
          dataSourceOf: dataSources.get,
          ...(options.subscriptions?.limits ? { limits: options.subscriptions.limits } : {}),
          // Subscriptions get the static checks of HTTP operations (depth, aliases, tokens…).
          ...(options.limits?.operations ? { operationLimits: options.limits.operations } : {}),
          // One usage event per subscription, when it ends (its duration is its lifetime).
          onSubscriptionEnd: (info) => {
            if (!usage?.sample()) return;
            usage.record({
              operationName: info.operationName,
              operationType: 'subscription',
              clientName: null,
              clientVersion: null,
              durationMs: info.durationMs,
              startedAt: info.startedAt.toISOString(),
              subgraphFetches: [],
              errorCodes: [],
              cost: 0,
              cacheHit: false,
              sampleRate: usage.sampleRate,
            });
          },
        });
  // `@auth` rules of the served supergraph (auth-directive.ts); a bad role fails startup.
  const authRules = new SupergraphAuthRules(options.supergraphSdl);
  // `@listSize(assumedSize:)` of the served supergraph, for the cost estimate (limits/).
  const listSizes = new SupergraphListSizes(options.supergraphSdl);
  // `@maxLength(max:)` of the served supergraph, for the input bounds (limits/input-bounds.ts).
  const inputBounds = new SupergraphInputBounds(options.supergraphSdl);
  // `@passwordHashing` fields (login, register…): one per operation, counted per IP + email.
  const passwordFields = new SupergraphPasswordFields(options.supergraphSdl);
  let initialSdl: string | undefined = options.supergraphSdl;
  /** The API schema served (for the early password-attempt check of the rate limits). */
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: served, coreSupergraphSdl }) => {
    apiSchema = served;
    try {
      planExecutor?.reload(coreSupergraphSdl);
    } catch (error) {
      log.error(
        "[execution] cannot plan the new supergraph; @apollo/gateway's executor runs every operation until one loads",
        error,
      );
    }
    try {
      listSizes.reload(coreSupergraphSdl);
    } catch (error) {
      log.error('[limits] cannot read @listSize from the new supergraph; keeping the old', error);
    }
    try {
      inputBounds.reload(coreSupergraphSdl);
    } catch (error) {
      log.error(
        '[limits] cannot read @maxLength from the new supergraph; keeping the old bounds',
        error,
      );
    }
    try {
      passwordFields.reload(coreSupergraphSdl);
    } catch (error) {
      log.error(
        '[limits] cannot read @passwordHashing from the new supergraph; keeping the old',
        error,
      );
    }
    try {
      authRules.reload(coreSupergraphSdl);
    } catch (error) {
      log.error('[auth] cannot read @auth from the new supergraph; keeping the old rules', error);
    }
    if (publicFields && coreSupergraphSdl !== initialSdl) {
      // A new supergraph may shape or route the cached fields differently.
      responseCache?.clear();
      try {
        publicFields.reload(coreSupergraphSdl);
      } catch (error) {
        log.error('[response-cache] cannot read the new supergraph; caching off', error);
      }
    }
    // The first call is the initial load of the SDL the engine already serves.
    const first = initialSdl;
    initialSdl = undefined;
    if (!engine || coreSupergraphSdl === first) return;
    try {
      engine.reload(coreSupergraphSdl);
    } catch (error) {
      log.error('[subscriptions] cannot load the new supergraph', error);
    }
  });
  const metrics = new HttpMetrics('gateway');
  const usage = options.usage
    ? new UsageReporter({
        bus: options.usage.bus,
        ...(options.usage.sampleRate !== undefined ? { sampleRate: options.usage.sampleRate } : {}),
        ...(options.usage.bufferSize ? { bufferSize: options.usage.bufferSize } : {}),
        ...(options.usage.flushIntervalMs
          ? { flushIntervalMs: options.usage.flushIntervalMs }
          : {}),
        ...(options.usage.random ? { random: options.usage.random } : {}),
      })
    : undefined;
  if (usage) registerUsageMetrics(metrics, usage);
  if (responseCache) registerResponseCacheMetrics(metrics, responseCache);
  if (entityCache) registerEntityCacheMetrics(metrics, entityCache.store);
  const invalidation =
    responseCache && cacheOptions?.bus
      ? await subscribeInvalidation(cacheOptions.bus, responseCache)
      : undefined;
  // Rate limits: counters in Redis when configured (memory otherwise, and while it is down).
  const requestLimits = options.limits?.requests;
  const limitsStore =
    requestLimits !== false && !requestLimits?.store && options.redisUrl
      ? createRedisRateLimitStore(options.redisUrl)
      : undefined;
  const limits =
    requestLimits === false
      ? undefined
      : createRequestLimits({
          ...requestLimits,
          ...(limitsStore ? { store: limitsStore } : {}),
          // Early 429 for repeats of refused sign-ins, before Apollo runs (request-limits.ts).
          passwordAttemptsOf: (document, variables, operationName) => {
            const operation = apiSchema && getOperationAST(document, operationName);
            if (!apiSchema || !operation) return [];
            const result = executedPasswordFields({
              schema: apiSchema,
              document,
              operation,
              variables,
              rules: passwordFields.current,
            });
            if (!result.ok) return [];
            return result.fields.map(({ field, email, rule }) => ({
              field,
              email,
              createsAccount: rule.createsAccount,
            }));
          },
        });
  const persisted = createPersistedQueries(options.persistedQueries);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    // Apollo's own messages go through the redacting logger too.
    logger: apolloLogger,
    includeStacktraceInErrorResponses: false,
    // The process's signal handler (`onShutdownSignal`) stops the graph in order; see there.
    stopOnTerminationSignals: false,
    // Compact JSON: Apollo Server pretty-prints results by default (~6 % of the gateway's CPU on
    // large responses in bench/gateway's profile, and bigger bodies on every hop).
    stringifyResult: (result) => JSON.stringify(result),
    ...apolloLimitOptions({ production: !!options.production }),
    csrfPrevention: true,
    ...persisted.apolloOptions,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // First: decides which text runs (APQ / safelist) before Apollo reads the request.
      persisted.plugin<GatewayContext>(),
      // Before everything that reads the operation or its variables: resolvable operation,
      // bounded variables, String/ID lengths and valid text (400 BAD_USER_INPUT, …).
      inputBoundsPlugin<GatewayContext>(inputBounds, options.limits?.inputs),
      limitsPlugin<GatewayContext>(options.limits?.operations, listSizes),
      // After the static limits, before any subgraph call: `@auth` (401/403, reject mode).
      authDirectivePlugin<GatewayContext>(authRules),
      // Once every check above passed, before execution: password fields counted (429) and
      // at most one per operation (400); a successful sign-in resets its own count.
      passwordFieldsPlugin<GatewayContext>(passwordFields, limits, (accessToken) => {
        // Just issued by the user subgraph (this response came from it) for an account that is
        // active: no status call on the client's next request. Clients' tokens are verified as
        // always; this only reads the subject.
        const subject = tokenSubject(accessToken);
        if (subject) accountStatus?.markActive(subject);
      }),
      // After the limits and `@auth` (so their refusals still apply), before execution.
      ...(responseCache && publicFields
        ? [responseCachePlugin<GatewayContext>(responseCache, publicFields)]
        : []),
      hideSuggestionsPlugin<GatewayContext>({ production: !!options.production }),
      graphqlMetricsPlugin<GatewayContext>(metrics),
      ...(tracingEnabled() ? [graphqlTracingPlugin<GatewayContext>()] : []),
      ...(usage ? [usagePlugin<GatewayContext>(usage)] : []),
    ],
  });
  await apollo.start();
  // A SERVER span per HTTP request, child of the client's `traceparent` (tracing on only).
  traceGraphQLServer(apollo, GATEWAY_SERVICE);

  // Disabled or deleted accounts: their tokens are refused within the status cache's max age.
  const userService = createServiceClient({
    self: 'gateway',
    key: options.signingKey,
    urls: {
      get user() {
        return dataSources.url('user');
      },
    } as Record<string, string>,
    timeoutMs: 1_000,
  });
  // Only where a `user` subgraph (the source of truth) is part of the graph.
  const accountStatus =
    options.accountStatus === false || !options.supergraphSdl.includes('@join__graph(name: "user"')
      ? undefined
      : new AccountStatusCache(async (userIds) => {
          const data = await userService.call<{
            accountStatuses: Array<{ userId: string; active: boolean }> | null;
          }>('user', ACCOUNT_STATUSES, { userIds });
          return new Map(data.accountStatuses?.map((status) => [status.userId, status.active]));
        }, options.accountStatus);

  const authentication = createAuthentication(options.accessTokenKeys, accountStatus);

  // Open graphql-ws sockets + multipart streams per client IP (SubscriptionLimits).
  const subscriptionConnections = engine
    ? new ConnectionsPerIp(engine.limits.maxConnectionsPerIp)
    : undefined;
  if (engine && subscriptionConnections) {
    registerSubscriptionMetrics(metrics, engine, subscriptionConnections);
  }
  const multipart = engine
    ? createMultipartHandler({
        engine,
        authenticateRequest: authentication.authenticateRequest,
        formatError,
        ...(subscriptionConnections ? { connections: subscriptionConnections } : {}),
        maxMessageBytes: engine.limits.maxMessageBytes,
        ...(options.subscriptions?.heartbeatMs
          ? { heartbeatMs: options.subscriptions.heartbeatMs }
          : {}),
      })
    : undefined;
  // Rate limits run first (before Apollo parses anything), then multipart subscriptions.
  const limitsIntercept = !limits
    ? multipart
    : createLimitsIntercept({
        limits,
        userIdOf: async (req) =>
          (await authentication.authenticateRequest(req)).identity?.userId ?? null,
        ...(multipart ? { next: multipart } : {}),
      });
  // The persisted-query check runs before those: refused → 400; a known hash → its text.
  const intercept = persisted.intercept(limitsIntercept);
  const http = await startHttpServer<GatewayContext>({
    apollo,
    context: requestContext(authentication.authenticateRequest),
    metrics,
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    routes: {
      'GET /.well-known/jwks.json': (_req, res) => sendJson(res, 200, toJwks([options.signingKey])),
      ...(options.production ? {} : graphiqlRoutes()),
    },
    ...(options.production ? {} : { browserPage: graphiqlPage }),
    intercept,
  });

  let ws: GraphqlWsServer | undefined;
  if (engine) {
    ws = attachGraphqlWs({
      server: http.server,
      engine,
      authenticate: authentication.authenticate,
      formatError,
      checkOperation: (payload) => persisted.checkSubscribePayload(payload),
      ...(subscriptionConnections ? { connections: subscriptionConnections } : {}),
      maxPayload: engine.limits.maxMessageBytes,
      connectionInitTimeoutMs: engine.limits.connectionInitTimeoutMs,
      ...(options.subscriptions?.keepAliveMs
        ? { keepAliveMs: options.subscriptions.keepAliveMs }
        : {}),
      // Each subscribe message (subscription, query or mutation) counts against the same
      // per-IP / per-user / login limits as an HTTP request, in the same store.
      ...(limits
        ? {
            rateLimit: async ({ ip, identity, query, variables, operationName }) => {
              const limited = await limits.checkRequestLimits({
                ip,
                userId: identity?.userId ?? null,
                document: query,
                variables,
                operationName,
              });
              if (limited.ok) return undefined;
              return {
                message: limited.message,
                code: limited.code,
                ...(limited.status === 429 ? { retryAfterSeconds: limited.retryAfterSeconds } : {}),
              };
            },
          }
        : {}),
      execute: async ({ query, variables, operationName, identity, clientIp }) => {
        // The socket was authenticated once: its queries and mutations stop with the account.
        if (identity && accountStatus && !(await accountStatus.isActive(identity.userId))) {
          return {
            errors: [
              {
                message: 'This account is disabled or no longer exists',
                extensions: { code: 'UNAUTHENTICATED', reason: 'ACCOUNT_INACTIVE' },
              },
            ],
          };
        }
        const response = await apollo.executeOperation(
          {
            query,
            ...(variables ? { variables } : {}),
            ...(operationName ? { operationName } : {}),
          },
          { contextValue: { identity, clientIp } },
        );
        if (response.body.kind === 'single') return response.body.singleResult;
        return {
          errors: [
            {
              message: 'Incremental delivery is not supported over WebSocket',
              extensions: { code: 'BAD_REQUEST' },
            },
          ],
        };
      },
    });
  }

  return {
    ...http,
    gateway,
    subscriptions: engine,
    usage,
    responseCache,
    entityCache,
    planExecutor,
    accountStatus,
    async stop(timeoutMs) {
      await invalidation?.stop();
      await ws?.close();
      engine?.close();
      await http.stop(timeoutMs);
      // Requests drained above have recorded their usage: flush it (bounded) and stop the loop.
      await usage?.stop(timeoutMs);
      await apollo.stop();
      await limitsStore?.close();
      dataSources.close();
    },
  };
}
