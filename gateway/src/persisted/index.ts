export {
  createPersistedQueries,
  PERSISTED_QUERY_ERROR_CODES,
  PERSISTED_QUERY_MODES,
  TEXT_RESOLVED,
  type GatewayPersistedQueryOptions,
  type PersistedQueries,
  type PersistedQueryMode,
  type PersistedQueryRequest,
  type PersistedQueryResolution,
} from './persisted';
export { ApqCache, DEFAULT_APQ_CACHE_BYTES, type ApqStore } from './apq-cache';
export {
  DEFAULT_APQ_REDIS_TTL_SECONDS,
  RedisApqCache,
  type RedisApqCacheOptions,
} from './redis-apq-cache';
export { Safelist, sha256Hex, type SafelistedOperation } from './safelist';
