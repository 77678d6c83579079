import type { ErrorCode } from '@shop/http';
import type { IncomingMessage, Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { SigningKey } from '@shop/auth';
import type { HttpMetrics } from '@shop/http';
import { formatError } from '@shop/subgraph';
import type { AccountStatusCache } from '../account-status';
import type { OperationLimits, RequestLimits } from '../limits';
import type { PersistedQueries } from '../persisted';
import {
  attachGraphqlWs,
  ConnectionsPerIp,
  createMultipartHandler,
  FederatedSubscriptionEngine,
  registerSubscriptionMetrics,
  type GraphqlWsServer,
} from '../subscriptions';
import type { UsageReporter } from '../usage';
import type { Authentication } from './authenticate';
import type { GatewayContext } from './context';
import type { SubgraphDataSources } from './data-source';
import { limitRefusal } from './limits';
import type { GatewaySubscriptionOptions } from './options';
import { recordSubscriptionEnd } from './usage';

/** The federated subscription engine; undefined when turned off. */
export function subscriptionEngine(options: {
  supergraphSdl: string;
  subgraphUrls: Record<string, string>;
  signingKey: SigningKey;
  subscriptions: GatewaySubscriptionOptions | undefined;
  operationLimits: Partial<OperationLimits> | undefined;
  dataSources: SubgraphDataSources;
  usage: UsageReporter | undefined;
}): FederatedSubscriptionEngine | undefined {
  if (options.subscriptions?.enabled === false) return undefined;
  return new FederatedSubscriptionEngine({
    supergraphSdl: options.supergraphSdl,
    subgraphUrls: options.subgraphUrls,
    signingKey: options.signingKey,
    // Event hydration fetches go through the gateway's data sources.
    dataSourceOf: options.dataSources.get,
    ...(options.subscriptions?.limits ? { limits: options.subscriptions.limits } : {}),
    ...(options.subscriptions?.resume === false ? { resume: false } : {}),
    // Subscriptions get the static checks of HTTP operations (depth, aliases, tokens…).
    ...(options.operationLimits ? { operationLimits: options.operationLimits } : {}),
    onSubscriptionEnd: recordSubscriptionEnd(options.usage),
  });
}

interface SubscriptionTransports {
  /** Multipart subscriptions over HTTP: the intercept after the rate limits. */
  multipart: ReturnType<typeof createMultipartHandler>;
  /** graphql-ws on the gateway's HTTP server (subscriptions, queries and mutations). */
  /** `allowUpgrade`: false refuses the upgrade with 403 (the CORS `Origin` check). */
  attachGraphqlWs(
    server: Server,
    allowUpgrade?: (request: IncomingMessage) => boolean,
  ): GraphqlWsServer;
}

/** The two ways clients reach the engine, sharing one count of open connections per IP. */
export function subscriptionTransports(options: {
  engine: FederatedSubscriptionEngine;
  subscriptions: GatewaySubscriptionOptions | undefined;
  metrics: HttpMetrics;
  authentication: Authentication;
  persisted: PersistedQueries;
  limits: RequestLimits | undefined;
  accountStatus: AccountStatusCache | undefined;
  apollo: ApolloServer<GatewayContext>;
}): SubscriptionTransports {
  const { engine, subscriptions, limits, accountStatus, apollo } = options;
  // Open graphql-ws sockets + multipart streams per client IP (SubscriptionLimits).
  const connections = new ConnectionsPerIp(engine.limits.maxConnectionsPerIp);
  registerSubscriptionMetrics(options.metrics, engine, connections);
  const multipart = createMultipartHandler({
    engine,
    authenticateRequest: options.authentication.authenticateRequest,
    formatError,
    connections,
    maxMessageBytes: engine.limits.maxMessageBytes,
    ...(subscriptions?.heartbeatMs ? { heartbeatMs: subscriptions.heartbeatMs } : {}),
  });
  return {
    multipart,
    attachGraphqlWs: (server, allowUpgrade) =>
      attachGraphqlWs({
        server,
        ...(allowUpgrade ? { allowUpgrade } : {}),
        engine,
        authenticate: options.authentication.authenticate,
        formatError,
        checkOperation: (payload) => options.persisted.checkSubscribePayload(payload),
        connections,
        maxPayload: engine.limits.maxMessageBytes,
        connectionInitTimeoutMs: engine.limits.connectionInitTimeoutMs,
        ...(subscriptions?.keepAliveMs ? { keepAliveMs: subscriptions.keepAliveMs } : {}),
        // Each subscribe message (subscription, query or mutation) counts against the same
        // per-IP / per-user / login limits as an HTTP request, in the same store.
        ...(limits
          ? {
              rateLimit: async ({ ip, identity, query, variables, operationName }) =>
                limitRefusal(
                  await limits.checkRequestLimits({
                    ip,
                    userId: identity?.userId ?? null,
                    document: query,
                    variables,
                    operationName,
                  }),
                ),
            }
          : {}),
        execute: async ({ query, variables, operationName, identity, clientIp }) => {
          // The socket was authenticated once: its queries and mutations stop with the account.
          if (identity && accountStatus && !(await accountStatus.isActive(identity.userId))) {
            return {
              errors: [
                {
                  message: 'This account is disabled or no longer exists',
                  extensions: {
                    code: 'UNAUTHENTICATED' satisfies ErrorCode,
                    reason: 'ACCOUNT_INACTIVE',
                  },
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
      }),
  };
}
