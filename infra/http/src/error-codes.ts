/**
 * The closed table of `extensions.code` values a client can see at the top level of a response
 * (from the gateway or a subgraph). Expected business outcomes are not here: they are typed
 * `userErrors` in mutation payloads, with codes from each subgraph's schema.
 *
 * Every code the code base puts on a top-level error is an {@link ErrorCode}, so a code missing
 * from this table fails typecheck.
 */
export const ERROR_CODES = {
  // The caller
  UNAUTHENTICATED: 'Not signed in, or the access token is missing, expired or invalid (HTTP 401).',
  FORBIDDEN: 'Signed in, but not allowed to do this.',

  // The request
  BAD_USER_INPUT: 'Input the schema cannot reject by itself: a bad cursor, a value over a bound.',
  NOT_FOUND: 'The thing does not exist, or the caller may not know that it exists.',
  GRAPHQL_PARSE_FAILED: 'The operation text is not valid GraphQL syntax (HTTP 400).',
  GRAPHQL_VALIDATION_FAILED: 'The operation does not validate against the API schema (HTTP 400).',
  BAD_REQUEST: 'The HTTP request is malformed: no query, wrong method, bad extensions (HTTP 400).',
  METHOD_NOT_ALLOWED: 'The HTTP method is neither GET nor POST (HTTP 405).',
  OPERATION_RESOLUTION_FAILURE:
    'Several operations and no (or an unknown) operationName (HTTP 400).',
  PAYLOAD_TOO_LARGE: 'The request body is over the size limit (HTTP 413).',
  CSRF_PREFLIGHT_REQUIRED:
    'A GET or simple POST (CSRF prevention): add `apollo-require-preflight: true` (HTTP 400).',

  // Incremental delivery (docs/defer.md)
  DEFER_BAD_HEADER:
    '@defer without `Accept: multipart/mixed;deferSpec=20220824, application/json` (HTTP 406).',
  DEFER_BAD_LABEL: 'A @defer label that is not a string literal, or is used twice.',
  STREAM_NOT_SUPPORTED: '@stream is not supported: select the whole list (or @defer within it).',

  // Persisted queries
  PERSISTED_QUERY_NOT_FOUND: 'APQ: the hash is not known yet; resend it with the query text.',
  PERSISTED_QUERY_NOT_SUPPORTED: 'Persisted queries are off; send the full query text.',
  PERSISTED_QUERY_NOT_IN_SAFELIST: 'Safelist mode: the operation is not registered (HTTP 400).',
  PERSISTED_QUERY_HASH_MISMATCH: 'The sent hash is not the SHA-256 of the sent text (HTTP 400).',

  // Request limits
  RATE_LIMITED: 'Over a request or sign-in budget; retry after `retry-after` seconds (HTTP 429).',
  QUERY_TOO_DEEP: 'The operation nests deeper than the depth limit (HTTP 400).',
  TOO_MANY_ALIASES: 'The operation uses more aliases than allowed (HTTP 400).',
  TOO_MANY_DIRECTIVES: 'The operation uses more directives than allowed (HTTP 400).',
  TOO_MANY_ROOT_FIELDS: 'The operation selects more root fields than allowed (HTTP 400).',
  QUERY_TOO_COMPLEX: 'The operation selects more fields than the complexity limit (HTTP 400).',
  QUERY_TOO_COSTLY: 'The estimated cost (list sizes multiplied) is over the limit (HTTP 400).',
  TOO_MANY_TOKENS: 'The operation text has more lexer tokens than allowed (HTTP 400).',
  VARIABLES_TOO_LARGE: 'The variables are over the size limit (HTTP 400).',
  VARIABLES_TOO_DEEP: 'The variables nest deeper than allowed (HTTP 400).',
  TOO_MANY_PASSWORD_FIELDS: 'More than one password-checking field in one operation (HTTP 400).',

  // Availability (retryable)
  SERVICE_UNAVAILABLE: 'A database or service is unavailable for a moment; retry (`retryable`).',
  SUBGRAPH_TIMEOUT: 'A subgraph did not answer in time.',
  SUBGRAPH_UNAVAILABLE: 'A subgraph could not be reached (or its subscription socket dropped).',
  DOWNSTREAM_SERVICE_ERROR: 'A subgraph answered with an error the gateway cannot classify.',
  SEARCH_UNAVAILABLE: 'The search engine is unreachable; the search field is null, others resolve.',

  // Subscriptions
  SUBSCRIPTION_LIMIT: 'Too many subscriptions on a connection, for a user, an IP or the gateway.',
  SUBSCRIPTION_BACKPRESSURE: 'The subscriber did not keep up with its events; resubscribe.',
  SUBSCRIPTION_SCHEMA_RELOAD: 'The supergraph changed; every subscription ended; resubscribe.',

  // Anything else
  INTERNAL_SERVER_ERROR: 'What every other error is masked to (no message, no stack trace).',
} as const;

/** A code from {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Some codes of the table, e.g. what one module throws: a code not in the table fails typecheck. */
export type ErrorCodeSubset<T extends ErrorCode> = T;

/** True when `code` is in {@link ERROR_CODES}. */
export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);

const PUBLIC_ERROR_CODES: ReadonlySet<string> = new Set(
  Object.keys(ERROR_CODES).filter((code) => code !== 'INTERNAL_SERVER_ERROR'),
);

/**
 * True for a code an error may keep when it is formatted for a client: every code of the table
 * but `INTERNAL_SERVER_ERROR`, whose message may be internal (it is what masking produces).
 */
export const isPublicErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && PUBLIC_ERROR_CODES.has(code);
