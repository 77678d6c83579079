import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  bearerToken,
  createVerifier,
  identityFromPayload,
  withVerificationCache,
  type KeySource,
} from '@shop/auth';
import type { AccountStatusCache } from '../account-status';
import type { Authenticate, Authenticated, AuthenticateRequest } from '../subscriptions';

export interface Authentication {
  /** Verifies an `Authorization` value (a graphql-ws connection's, once per socket). */
  authenticate: Authenticate;
  /**
   * The caller of an HTTP request, verified once per request: the rate limits, Apollo's context
   * and the multipart subscription handler all get the same outcome (identity, or the same
   * rejection) from the first call.
   */
  authenticateRequest: AuthenticateRequest;
}

const unauthenticated = (message: string, reason: string) =>
  new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', reason, http: { status: 401 } },
  });

/**
 * Client access tokens: verified against `accessTokenKeys` (the user subgraph's JWKS), and
 * refused for accounts the account-status cache says are disabled or gone.
 */
export function createAuthentication(
  accessTokenKeys: KeySource,
  accountStatus: AccountStatusCache | undefined,
): Authentication {
  // A client sends the same access token with every request: its ES256 signature is verified
  // once and the result reused for at most 30 s (never past `exp`) — verification was ~5 % of
  // the gateway's CPU on the order history page (bench/gateway/profile.md). A key removed from
  // the user subgraph's JWKS stops verifying within 5 min (docs/SECURITY.md C3): the JWKS is kept
  // 4.5 min, plus at most 30 s of cached results; an unknown `kid` refetches at most every 30 s.
  const verify = withVerificationCache(
    createVerifier({
      keys: accessTokenKeys,
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      type: ACCESS_TOKEN_TYPE,
      requireSubject: true,
      jwks: { cacheMaxAgeMs: 270_000, cooldownMs: 30_000 },
    }),
    { maxEntries: 50_000, maxAgeMs: 30_000 },
  );

  const authenticate: Authenticate = async (header) => {
    if (!header) return { identity: null };
    const token = bearerToken(header);
    if (!token) throw unauthenticated('Authorization header must be "Bearer <token>"', 'MALFORMED');
    const result = await verify(token);
    if (result.ok) {
      const identity = identityFromPayload(result.payload);
      if (identity && accountStatus && !(await accountStatus.isActive(identity.userId))) {
        throw unauthenticated('This account is disabled or no longer exists', 'ACCOUNT_INACTIVE');
      }
      const exp = result.payload.exp;
      return {
        identity,
        ...(typeof exp === 'number' ? { expiresAt: exp * 1000 } : {}),
      };
    }
    if (result.code === 'TOKEN_EXPIRED')
      throw unauthenticated('Access token has expired', result.code);
    if (result.code === 'KEYS_UNAVAILABLE') {
      throw new GraphQLError('Cannot verify tokens right now', {
        extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
      });
    }
    throw unauthenticated('Invalid access token', result.code);
  };

  // The outcome (or rejection) of each request in flight, dropped with the request.
  const byRequest = new WeakMap<IncomingMessage, Promise<Authenticated>>();
  const authenticateRequest: AuthenticateRequest = (req) => {
    let outcome = byRequest.get(req);
    if (!outcome) {
      outcome = authenticate(req.headers.authorization);
      byRequest.set(req, outcome);
    }
    return outcome;
  };

  return { authenticate, authenticateRequest };
}
