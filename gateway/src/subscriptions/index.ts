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
  type ExecuteOperation,
} from './ws';
export { createMultipartHandler, MULTIPART_CONTENT_TYPE, type MultipartOptions } from './multipart';
export type { Authenticate, Authenticated } from './auth';
