import type { IncomingMessage } from 'node:http';
import type { Identity } from '@shop/auth';

/** The outcome of checking a client's `Authorization` value. */
export interface Authenticated {
  identity: Identity | null;
  /** When the access token expires (ms since the epoch); absent for anonymous callers. */
  expiresAt?: number;
}

/**
 * Verifies an `Authorization` value (`Bearer <access token>`, or undefined for anonymous);
 * throws a GraphQLError (`extensions.code` UNAUTHENTICATED or SERVICE_UNAVAILABLE, with
 * `extensions.http.status`) when it is rejected.
 */
export type Authenticate = (authorization: string | undefined) => Promise<Authenticated>;

/** {@link Authenticate} for the `Authorization` header of an HTTP request. */
export type AuthenticateRequest = (req: IncomingMessage) => Promise<Authenticated>;

/** Longest delay setTimeout accepts. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
