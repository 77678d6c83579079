import type { ErrorCode } from '@shop/http';
import {
  createRedisRateLimitStore,
  createRequestLimits,
  executedPasswordFields,
  type RedisRateLimitStore,
  type RequestLimitResult,
  type RequestLimits,
  type RequestLimitsOptions,
} from '../limits';
import { getOperationAST } from '../limits/graphql';
import type { SupergraphRules } from './supergraph';

interface GatewayRequestLimits {
  /** Per-IP, per-user and login limits; undefined when turned off. */
  limits: RequestLimits | undefined;
  /** The Redis store of their counters, when this gateway opened one (closed on stop). */
  store: RedisRateLimitStore | undefined;
}

/** Rate limits: counters in Redis when configured (memory otherwise, and while it is down). */
export function gatewayRequestLimits(
  requests: RequestLimitsOptions | false | undefined,
  redisUrl: string | undefined,
  supergraph: SupergraphRules,
  redisKeyPrefix = '',
): GatewayRequestLimits {
  if (requests === false) return { limits: undefined, store: undefined };
  const store =
    !requests?.store && redisUrl
      ? createRedisRateLimitStore(redisUrl, { prefix: `${redisKeyPrefix}ratelimit:` })
      : undefined;
  const limits = createRequestLimits({
    ...requests,
    ...(store ? { store } : {}),
    // Early 429 for repeats of refused sign-ins, before Apollo runs (request-limits.ts).
    passwordAttemptsOf: (document, variables, operationName) => {
      const schema = supergraph.apiSchema;
      const operation = schema && getOperationAST(document, operationName);
      if (!schema || !operation) return [];
      const result = executedPasswordFields({
        schema,
        document,
        operation,
        variables,
        rules: supergraph.passwordFields.current,
      });
      if (!result.ok) return [];
      return result.fields.map(({ field, email, rule }) => ({
        field,
        email,
        createsAccount: rule.createsAccount,
      }));
    },
  });
  return { limits, store };
}

/** A refused limit check as the error to answer with (undefined when it passed). */
export function limitRefusal(
  result: RequestLimitResult,
): { message: string; code: ErrorCode; retryAfterSeconds?: number } | undefined {
  if (result.ok) return undefined;
  return {
    message: result.message,
    code: result.code,
    ...(result.status === 429 ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
  };
}
