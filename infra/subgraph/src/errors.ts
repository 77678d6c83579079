import { GraphQLError } from 'graphql';
import type { Identity, Role } from '@shop/auth';
import type { ErrorCode } from '@shop/http';

/** The caller is not signed in (or the token is invalid). */
export const unauthenticated = (message = 'Authentication required') =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' satisfies ErrorCode } });

/** The caller is signed in but may not do this. */
export const forbidden = (message = 'You are not allowed to do this') =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' satisfies ErrorCode } });

/** Input that is malformed in a way the schema cannot express (bad cursor, limits). */
export const badUserInput = (message: string, details: Record<string, unknown> = {}) =>
  new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode, ...details },
  });

/** Something that does not exist, or that the caller may not know exists. */
export const notFound = (message = 'Not found') =>
  new GraphQLError(message, { extensions: { code: 'NOT_FOUND' satisfies ErrorCode } });

/** Context fields every subgraph resolver can rely on. */
export interface BaseSubgraphContext {
  identity: Identity | null;
  requestId: string;
  /** The end client's IP address, as the gateway saw it (header {@link CLIENT_IP_HEADER}). */
  clientIp?: string | undefined;
  /** The end client's User-Agent, as the gateway saw it ({@link CLIENT_USER_AGENT_HEADER}). */
  userAgent?: string | undefined;
}

/**
 * Headers the gateway sets on every subgraph request (overwriting any a client sent) with the
 * client's IP address and User-Agent. Subgraphs read them only on requests that carry a valid
 * gateway token; values are cut to {@link CLIENT_HEADER_MAX_LENGTH} characters.
 */
export const CLIENT_IP_HEADER = 'x-shop-client-ip';
export const CLIENT_USER_AGENT_HEADER = 'x-shop-client-user-agent';
export const CLIENT_HEADER_MAX_LENGTH = 512;

/** Returns the caller's identity or throws UNAUTHENTICATED. */
export function requireUser(context: BaseSubgraphContext): Identity {
  if (!context.identity) throw unauthenticated();
  return context.identity;
}

/** Returns the caller's identity if it has `role`; throws UNAUTHENTICATED or FORBIDDEN. */
export function requireRole(context: BaseSubgraphContext, role: Role): Identity {
  const identity = requireUser(context);
  if (!identity.roles.includes(role)) throw forbidden(`Requires role ${role}`);
  return identity;
}

/** True when the caller is an admin. */
export const isAdmin = (context: BaseSubgraphContext) =>
  context.identity?.roles.includes('ADMIN') ?? false;
