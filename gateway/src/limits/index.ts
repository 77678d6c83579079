export {
  analyzeOperation,
  parseWithLimit,
  limitError,
  DEFAULT_LIMITS,
  LIMIT_ERROR_CODES,
  type AnalyzeOptions,
  type AnalysisResult,
  type LimitErrorCode,
  type OperationLimits,
} from './analyze';
export {
  checkInput,
  checkVariablesShape,
  checkVariableValues,
  compileInputCheck,
  DEFAULT_INPUT_LIMITS,
  inputError,
  isInvalidText,
  readMaxLengths,
  SupergraphInputBounds,
  type CompiledInputCheck,
  type InputErrorCode,
  type InputLimits,
  type InputRefusal,
} from './input-bounds';
export {
  cachedAnalyzer,
  inputBoundsPlugin,
  limitsPlugin,
  loginOutcomePlugin,
  hideSuggestionsPlugin,
  stripSuggestions,
  withLimitErrors,
  apolloLimitOptions,
} from './plugins';
export {
  createRateLimiter,
  createMemoryStore,
  createRedisStore,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitResult,
  type RateLimitStore,
  type RedisEval,
  type WindowHit,
} from './rate-limiter';
export {
  createRequestLimits,
  createLimitsIntercept,
  loginAttempts,
  loginSelections,
  type LoginSelection,
  type LimitRule,
  type LimitsInterceptOptions,
  type RequestLimitInput,
  type RequestLimitResult,
  type RequestLimits,
  type RequestLimitsOptions,
} from './request-limits';
export {
  createRedisRateLimitStore,
  type RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from './redis-store';
export { readListSizes, SupergraphListSizes } from './list-sizes';
