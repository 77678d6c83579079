export {
  startGateway,
  type GatewayOptions,
  type GatewayContext,
  type GatewayLimitOptions,
  type RunningGateway,
} from './gateway';
export type { RequestLimitsOptions } from './limits';
export {
  corsFromEnv,
  CorsConfigError,
  CORS_ALLOWED_HEADERS,
  type CorsEnv,
  type CorsOptions,
} from './server/cors';
export type { SubscriptionLimits } from './subscriptions';
export {
  createPersistedQueries,
  PERSISTED_QUERY_ERROR_CODES,
  type GatewayPersistedQueryOptions,
  type PersistedQueryMode,
} from './persisted';
export {
  ResponseCache,
  type ResponseCacheOptions,
  type ResponseCacheStats,
} from './response-cache';
export { faviconRoute, GRAPHIQL_CSP, GRAPHIQL_EXAMPLE_TABS, graphiqlCsp } from './graphiql';
export type { AccountStatusOptions } from './account-status';
