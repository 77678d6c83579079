import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import { isErrorCode, type ErrorCode } from '@shop/http';
import { GraphQLError } from './graphql';

/** Error codes produced by the subscription engine itself (always shown to clients as is). */
export const SUBSCRIPTION_ERROR_CODES = {
  /** Too many subscriptions on one connection, for one user, or on this gateway. */
  limit: 'SUBSCRIPTION_LIMIT',
  /** The subscriber did not keep up with its events; it is ended and should resubscribe. */
  backpressure: 'SUBSCRIPTION_BACKPRESSURE',
  /** The owning subgraph's socket dropped and could not be re-established in time. */
  subgraphUnavailable: 'SUBGRAPH_UNAVAILABLE',
  /** The supergraph changed; every active subscription is ended and must be restarted. */
  schemaReload: 'SUBSCRIPTION_SCHEMA_RELOAD',
} as const satisfies Record<string, ErrorCode>;

/** A GraphQL error with `extensions.code` (and any extra extensions). */
export function codedError(
  message: string,
  code: ErrorCode,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** Re-creates `error` with `code` (keeps message, locations/nodes and path). */
export function withCode(error: GraphQLError, code: ErrorCode): GraphQLError {
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    ...(error.path ? { path: error.path } : {}),
    extensions: { ...error.extensions, code },
  });
}

/** Turns errors a subgraph sent over the wire (plain JSON) into GraphQLErrors naming the subgraph. */
export function fromSubgraphErrors(errors: unknown, serviceName: string): GraphQLError[] {
  const list = Array.isArray(errors) ? (errors as unknown[]) : [];
  const converted = list.map((raw) => {
    const error = (raw ?? {}) as Partial<GraphQLFormattedError>;
    const extensions = (error.extensions ?? {}) as Record<string, unknown>;
    return new GraphQLError(typeof error.message === 'string' ? error.message : 'Subgraph error', {
      ...(error.path ? { path: error.path } : {}),
      extensions: {
        ...extensions,
        code: typeof extensions.code === 'string' ? extensions.code : 'DOWNSTREAM_SERVICE_ERROR',
        serviceName,
      },
    });
  });
  return converted.length
    ? converted
    : [codedError('Subgraph ended the subscription with an error', 'DOWNSTREAM_SERVICE_ERROR')];
}

function hasToJson(error: unknown): error is { toJSON(): GraphQLFormattedError } {
  return typeof (error as { toJSON?: unknown }).toJSON === 'function';
}

/** Formats errors for the wire; codes of the table pass unchanged, the rest go through `mask`. */
export type ErrorFormatter = (
  formatted: GraphQLFormattedError,
  error: unknown,
) => GraphQLFormattedError;

export function formatErrors(
  errors: ReadonlyArray<GraphQLError | GraphQLFormattedError>,
  mask?: ErrorFormatter,
): GraphQLFormattedError[] {
  return errors.map((error) => {
    // Duck-typed: errors may come from another `graphql` instance (see ./graphql).
    const formatted = hasToJson(error) ? error.toJSON() : (error as GraphQLFormattedError);
    const code = formatted.extensions?.code;
    if (isErrorCode(code)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    return mask ? mask(formatted, error) : formatted;
  });
}

/** A result ready for JSON: errors formatted, `data` kept, extensions dropped. */
export function formatResult(
  result: ExecutionResult | { data?: unknown; errors?: ReadonlyArray<GraphQLFormattedError> },
  mask?: ErrorFormatter,
): { data?: unknown; errors?: GraphQLFormattedError[] } {
  return {
    ...('data' in result ? { data: result.data } : {}),
    ...(result.errors?.length ? { errors: formatErrors(result.errors, mask) } : {}),
  };
}

/** `extensions.code` of any thrown value (duck-typed across `graphql` instances). */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A thrown value as one of our GraphQLErrors (message and extensions kept when it is one). */
export function toGraphQLError(error: unknown): GraphQLError {
  const extensions = (error as { extensions?: unknown } | null)?.extensions;
  if (error instanceof Error && extensions && typeof extensions === 'object') {
    return new GraphQLError(error.message, { extensions: extensions as Record<string, unknown> });
  }
  return codedError('Internal server error', 'INTERNAL_SERVER_ERROR');
}
