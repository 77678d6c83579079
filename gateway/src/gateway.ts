import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { toJwks } from '@shop/auth';
import { HttpMetrics, sendJson, startHttpServer, type RunningHttpServer } from '@shop/http';
import { apolloLogger } from '@shop/log';
import { formatError, traceGraphQLServer } from '@shop/subgraph';
import type { AccountStatusCache } from './account-status';
import { createDeferIntercept } from './defer/http';
import type { FetchDedup } from './dedup';
import type { EntityCache } from './entity-cache';
import type { PlanExecutor } from './execution/plan-executor';
import { faviconRoute, graphiqlPage, graphiqlRoutes } from './graphiql';
import { apolloLimitOptions, createLimitsIntercept } from './limits';
import {
  registerEntityCacheMetrics,
  registerResponseCacheMetrics,
  registerSubgraphDedupMetrics,
  registerUsageMetrics,
} from './metrics';
import { createPersistedQueries } from './persisted';
import type { ResponseCache } from './response-cache';
import { csrfIntercept } from './server/csrf';
import { markSignedInActive, userAccountStatus } from './server/account-status';
import { createAuthentication } from './server/authenticate';
import { requestContext, type GatewayContext } from './server/context';
import { createCors } from './server/cors';
import { SubgraphDataSources } from './server/data-source';
import { installPlanExecutor } from './server/execution';
import { gatewayRequestLimits } from './server/limits';
import type { GatewayOptions } from './server/options';
import { gatewayPlugins } from './server/plugins';
import { clearOnCatalogEvents, responseCaching } from './server/response-cache';
import { subscriptionEngine, subscriptionTransports } from './server/subscriptions';
import { followSupergraph, SupergraphRules } from './server/supergraph';
import { usageReporter } from './server/usage';
import type { FederatedSubscriptionEngine, GraphqlWsServer } from './subscriptions';
import { GATEWAY_SERVICE } from './tracing';
import type { UsageReporter } from './usage';

export type { GatewayContext } from './server/context';
export type { CorsOptions } from './server/cors';
export type {
  GatewayLimitOptions,
  GatewayOptions,
  GatewaySubscriptionOptions,
  GatewayUsageOptions,
} from './server/options';

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
  /** In-flight deduplication of subgraph fetches (`stats()`); undefined when off. */
  subgraphDedup: FetchDedup | undefined;
}

/**
 * Starts the gateway: @apollo/gateway over the committed supergraph, JWT verification once per
 * request, identity forwarded to subgraphs as a signed internal token, GraphiQL for browsers.
 * Each part is built in server/; this wires them in the order they depend on one another.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { supergraphSdl } = options;
  const production = !!options.production;
  // First: a configuration that must not be served (e.g. CORS `*` in production) starts nothing.
  const cors = createCors(options.cors, production);
  const rules = new SupergraphRules(supergraphSdl);
  const caching = responseCaching(options.responseCache, supergraphSdl);
  const dataSources = new SubgraphDataSources({
    subgraphUrls: options.subgraphUrls,
    signingKey: options.signingKey,
    timeoutMs: options.subgraphTimeoutMs,
    entities: caching?.entities,
    dedup: options.subgraphDedup ?? true,
  });
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: apolloLogger,
    buildService: dataSources.build,
  });
  const usage = usageReporter(options.usage);
  const { limits, store: limitsStore } = gatewayRequestLimits(
    options.limits?.requests,
    options.redisUrl,
    rules,
    options.redisKeyPrefix,
  );
  const planExecutor = installPlanExecutor({
    executor: options.executor,
    supergraphSdl,
    gateway,
    dataSources,
    limits,
  });
  const engine = subscriptionEngine({
    supergraphSdl,
    subgraphUrls: options.subgraphUrls,
    signingKey: options.signingKey,
    subscriptions: options.subscriptions,
    operationLimits: options.limits?.operations,
    dataSources,
    usage,
  });
  followSupergraph(gateway, supergraphSdl, rules, {
    planExecutor,
    engine,
    responseCaching: caching,
  });

  const metrics = new HttpMetrics('gateway');
  if (usage) registerUsageMetrics(metrics, usage);
  if (dataSources.dedup) registerSubgraphDedupMetrics(metrics, dataSources.dedup);
  if (caching) {
    registerResponseCacheMetrics(metrics, caching.cache);
    registerEntityCacheMetrics(metrics, caching.entities.store);
  }
  const invalidation = await clearOnCatalogEvents(caching, options.responseCache);
  const accountStatus = userAccountStatus({
    supergraphSdl,
    signingKey: options.signingKey,
    accountStatus: options.accountStatus,
    userUrl: () => dataSources.url('user'),
  });
  // APQ registrations in the Redis of the rate limits, when there is one: shared by every gateway.
  const persisted = createPersistedQueries({
    ...(options.redisUrl
      ? { apqRedisUrl: options.redisUrl, apqRedisPrefix: `${options.redisKeyPrefix ?? ''}apq:` }
      : {}),
    ...options.persistedQueries,
  });
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
    ...apolloLimitOptions({ production }),
    csrfPrevention: true,
    ...persisted.apolloOptions,
    plugins: gatewayPlugins({
      production,
      persisted,
      supergraph: rules,
      limits: options.limits,
      requestLimits: limits,
      signedIn: markSignedInActive(accountStatus),
      responseCaching: caching,
      metrics,
      usage,
    }),
  });
  await apollo.start();
  // A SERVER span per HTTP request, child of the client's `traceparent` (tracing on only).
  traceGraphQLServer(apollo, GATEWAY_SERVICE);

  const authentication = createAuthentication(options.accessTokenKeys, accountStatus);
  const subscriptions = engine
    ? subscriptionTransports({
        engine,
        subscriptions: options.subscriptions,
        metrics,
        authentication,
        persisted,
        limits,
        accountStatus,
        apollo,
      })
    : undefined;
  const context = requestContext(authentication.authenticateRequest);
  // Operations with @defer answered as multipart/mixed (docs/defer.md); the rest goes on.
  const defer = createDeferIntercept({
    apollo,
    context,
    schema: () => gateway.schema,
    ...(persisted.apqCache
      ? {
          registerPersisted: (hash: string, query: string) =>
            persisted.apqCache!.set(`apq:${hash}`, query),
        }
      : {}),
    ...(subscriptions ? { next: subscriptions.multipart } : {}),
  });
  // Rate limits run first (before Apollo parses anything), then @defer, multipart subscriptions.
  const limitsIntercept = !limits
    ? defer
    : createLimitsIntercept({
        limits,
        userIdOf: async (req) =>
          (await authentication.authenticateRequest(req)).identity?.userId ?? null,
        next: defer,
      });
  const http = await startHttpServer<GatewayContext>({
    apollo,
    context,
    metrics,
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    routes: {
      'GET /.well-known/jwks.json': (_req, res) => sendJson(res, 200, toJwks([options.signingKey])),
      'GET /favicon.ico': faviconRoute,
      ...(production ? {} : graphiqlRoutes()),
    },
    ...(production ? {} : { browserPage: graphiqlPage }),
    // First CSRF prevention (a GET or simple POST without a preflight header → 400 that names
    // the header to add; Apollo's `csrfPrevention` stays on behind it). Then the persisted-query
    // check: refused → 400; a known hash → its text.
    intercept: csrfIntercept(persisted.intercept(limitsIntercept)),
    // CORS headers on every response (errors included) and preflights answered first.
    onRequest: cors.handle,
  });
  const ws: GraphqlWsServer | undefined = subscriptions?.attachGraphqlWs(
    http.server,
    cors.allowsUpgrade,
  );

  return {
    ...http,
    gateway,
    subscriptions: engine,
    usage,
    responseCache: caching?.cache,
    entityCache: caching?.entities,
    planExecutor,
    accountStatus,
    subgraphDedup: dataSources.dedup,
    async stop(timeoutMs) {
      await invalidation?.stop();
      await ws?.close();
      engine?.close();
      await http.stop(timeoutMs);
      // Requests drained above have recorded their usage: flush it (bounded) and stop the loop.
      await usage?.stop(timeoutMs);
      await apollo.stop();
      await limitsStore?.close();
      await persisted.close();
      dataSources.close();
    },
  };
}
