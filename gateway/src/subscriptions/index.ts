export {
  FederatedSubscriptionEngine,
  DEFAULT_SUBSCRIPTION_LIMITS,
  authScope,
  type FederatedSubscriptionEngineOptions,
  type SubscribeOutcome,
  type SubscribeRequest,
  type SubscriptionLimits,
  type SubscriptionStats,
} from './engine';
export { ClientSubscription } from './client-subscription';
export { canonicalize, reshape, type CanonicalOperation, type Shape } from './canonical';
export { ConnectionsPerIp, TOO_MANY_REQUESTS_CLOSE_CODE } from './connections';
export { registerSubscriptionMetrics } from './metrics';
export {
  SUBSCRIPTION_ERROR_CODES,
  formatErrors,
  formatResult,
  type ErrorFormatter,
} from './errors';
export {
  attachGraphqlWs,
  type GraphqlWsOptions,
  type GraphqlWsServer,
  type RateLimitCheck,
  type ExecuteOperation,
} from './ws';
export { createMultipartHandler, MULTIPART_CONTENT_TYPE, type MultipartOptions } from './multipart';
export type { Authenticate, Authenticated, AuthenticateRequest } from './auth';
