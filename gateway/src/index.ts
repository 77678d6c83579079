export {
  startGateway,
  type GatewayOptions,
  type GatewayContext,
  type RunningGateway,
} from './gateway';
export { startEmbeddedGraph, type EmbeddedGraph, type EmbeddedGraphOptions } from './embedded';
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
