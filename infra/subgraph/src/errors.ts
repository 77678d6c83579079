import { GraphQLError } from 'graphql';
import type { Identity, Role } from '@shop/auth';

/**
 * The closed set of error codes a client can see at the top level of a response. Expected
 * business outcomes are not thrown: they are typed `userErrors` in mutation payloads.
 */
export const PUBLIC_ERROR_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_IN_SAFELIST',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'OPERATION_RESOLUTION_FAILURE',
  'SERVICE_UNAVAILABLE',
  'DOWNSTREAM_SERVICE_ERROR',
  'SEARCH_UNAVAILABLE',
  'SUBGRAPH_TIMEOUT',
  'SUBGRAPH_UNAVAILABLE',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'TOO_MANY_DIRECTIVES',
  'TOO_MANY_ROOT_FIELDS',
  'QUERY_TOO_COMPLEX',
  'QUERY_TOO_COSTLY',
  'TOO_MANY_TOKENS',
  'VARIABLES_TOO_LARGE',
  'VARIABLES_TOO_DEEP',
]);

/** The caller is not signed in (or the token is invalid). */
export const unauthenticated = (message = 'Authentication required') =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });

/** The caller is signed in but may not do this. */
export const forbidden = (message = 'You are not allowed to do this') =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

/** Input that is malformed in a way the schema cannot express (bad cursor, limits). */
export const badUserInput = (message: string, details: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...details } });

/** Something that does not exist, or that the caller may not know exists. */
export const notFound = (message = 'Not found') =>
  new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });

/** Context fields every subgraph resolver can rely on. */
export interface BaseSubgraphContext {
  identity: Identity | null;
  requestId: string;
}

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
