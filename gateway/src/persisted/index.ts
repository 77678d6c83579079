export {
  createPersistedQueries,
  PERSISTED_QUERY_ERROR_CODES,
  PERSISTED_QUERY_MODES,
  type GatewayPersistedQueryOptions,
  type PersistedQueries,
  type PersistedQueryMode,
  type PersistedQueryRequest,
  type PersistedQueryResolution,
} from './persisted';
export { ApqCache, DEFAULT_APQ_CACHE_BYTES } from './apq-cache';
export { Safelist, sha256Hex, type SafelistedOperation } from './safelist';
