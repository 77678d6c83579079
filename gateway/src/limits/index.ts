export {
  analyzeOperation,
  parseWithLimit,
  limitError,
  DEFAULT_LIMITS,
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
  passwordFieldsPlugin,
  hideSuggestionsPlugin,
  stripSuggestions,
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
  type LimitRule,
  type PasswordAttempt,
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
export {
  readListSizes,
  readListSizeRules,
  SupergraphListSizes,
  type ListSizeRule,
} from './list-sizes';
export {
  DEFAULT_OBSERVED_LIST_SIZES,
  ObservedListSizes,
  type ObservedListSizesOptions,
  type ObservedSizes,
} from './observed-sizes';
export { observeResponseLists, type ResponseListNode } from './response-lists';
export {
  executedPasswordFields,
  readPasswordFields,
  SupergraphPasswordFields,
  PASSWORD_DIRECTIVE,
  type ExecutedPasswordField,
  type PasswordFieldRule,
  type PasswordFieldRules,
  type PasswordFieldsResult,
} from './password-fields';
