export {
  startGateway,
  type GatewayOptions,
  type GatewayContext,
  type GatewayLimitOptions,
  type RunningGateway,
} from './gateway';
export type { RequestLimitsOptions } from './limits';
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
