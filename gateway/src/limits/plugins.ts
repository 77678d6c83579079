import {
  HeaderMap,
  type ApolloServerPlugin,
  type BaseContext,
  type GraphQLResponse,
} from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { ErrorCode } from '@shop/http';
import {
  analyzeOperation,
  type AnalysisResult,
  type AnalyzeOptions,
  DEFAULT_LIMITS,
  limitError,
  type OperationLimits,
} from './analyze';
import { GraphQLError } from './graphql';
import {
  checkInput,
  type CompiledInputCheck,
  inputError,
  type InputLimits,
  type SupergraphInputBounds,
} from './input-bounds';
import {
  executedPasswordFields,
  type ExecutedPasswordField,
  type PasswordFieldRules,
} from './password-fields';
import type { ObservedListSizes, ObservedSizes } from './observed-sizes';
import type { RequestLimits } from './request-limits';
import { observeResponseLists, type ResponseListNode } from './response-lists';
import { documentVariables, PerDocumentCache, variablesKey } from '../document-cache';

/**
 * `analyzeOperation` memoized per (schema, parsed document, operation name, values of the
 * size-argument variables, version of the observed sizes): the only inputs its result depends
 * on besides the fixed limits. When the supergraph declares `@listSize(slicingArguments:)`
 * beyond `first`/`last`/`limit`, every variable of the document is part of the key.
 */
export function cachedAnalyzer(
  options: Partial<OperationLimits> = {},
  listSizes?: AnalyzeOptions['listSizes'] & { readonly customSlicing?: boolean },
  observedSizes?: ObservedSizes,
) {
  const cache = new PerDocumentCache<AnalysisResult>();
  return (input: {
    document: DocumentNode;
    schema: GraphQLSchema;
    operationName: string | null | undefined;
    variables: Record<string, unknown> | null | undefined;
  }): AnalysisResult => {
    const names = listSizes?.customSlicing
      ? Object.keys(input.variables ?? {}).sort()
      : documentVariables(input.document).size;
    const version = observedSizes?.version ?? '';
    const key = `${input.operationName ?? ''}\u0000${version}\u0000${variablesKey(names, input.variables)}`;
    return cache.get(input.schema, input.document, key, () =>
      analyzeOperation(input.document, {
        ...options,
        listSizes,
        observedSizes,
        collectLists: observedSizes !== undefined,
        schema: input.schema,
        variables: input.variables,
        operationName: input.operationName,
      }),
    );
  };
}

/**
 * Rejects operations over the static limits once Apollo has resolved them — before the gateway
 * plans or fetches anything — with HTTP 400 and the limit's code, and adds
 * `extensions.cost = { estimated, limit }` to every response that resolved an operation. With
 * `observedSizes`, each response's lists that no argument or `@listSize` sized are measured and
 * recorded (their field's next estimates use them: observed-sizes.ts, docs/cost.md).
 */
export function limitsPlugin<TContext extends BaseContext>(
  options: Partial<OperationLimits> = {},
  listSizes?: AnalyzeOptions['listSizes'] & { readonly customSlicing?: boolean },
  observedSizes?: ObservedListSizes,
): ApolloServerPlugin<TContext> {
  const limit = options.maxCost ?? DEFAULT_LIMITS.maxCost;
  const analyze = cachedAnalyzer(options, listSizes, observedSizes);
  return {
    async requestDidStart() {
      let estimated: number | undefined;
      let lists: ResponseListNode | undefined;
      return {
        async didResolveOperation({ document, operationName, schema, request }) {
          const result = analyze({ document, schema, variables: request.variables, operationName });
          if (!result.ok) {
            estimated = result.cost;
            throw limitError(result);
          }
          estimated = result.cost;
          lists = result.lists;
        },
        async willSendResponse({ response }) {
          if (estimated === undefined) return;
          const body =
            response.body.kind === 'single'
              ? response.body.singleResult
              : response.body.initialResult;
          body.extensions = { ...body.extensions, cost: { estimated, limit } };
          if (lists && observedSizes && response.body.kind === 'single' && body.data) {
            observeResponseLists(lists, body.data, (key, length) =>
              observedSizes.record(key, length),
            );
          }
        },
      };
    },
  };
}

/**
 * Refuses, once Apollo has resolved the operation and before the limits, `@auth`, the caches or
 * any subgraph call (HTTP 400 with a code, never a 500):
 * - a document whose operation cannot be resolved (several operations and no `operationName`,
 *   or an unknown one): `OPERATION_RESOLUTION_FAILURE`;
 * - variables over the size/depth bounds (used or not): `VARIABLES_TOO_LARGE` / `VARIABLES_TOO_DEEP`;
 * - a String/ID over its `@maxLength` (or the default) or holding invalid text, in any literal
 *   of the document or in the operation's variables (defaults included): `BAD_USER_INPUT`
 *   naming the argument path (input-bounds.ts).
 * The document part is compiled once per (schema, document, operation) and cached on the
 * document; each request then walks only its variables.
 */
export function inputBoundsPlugin<TContext extends BaseContext>(
  bounds: SupergraphInputBounds,
  limits: Partial<InputLimits> = {},
): ApolloServerPlugin<TContext> {
  let compiled = new PerDocumentCache<CompiledInputCheck>();
  let compiledFor = bounds.current;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, request }) {
          if (!operation) {
            throw new GraphQLError(
              request.operationName
                ? `Unknown operation named "${request.operationName.slice(0, 100)}"`
                : 'Must provide operationName when the document contains several operations',
              {
                extensions: {
                  code: 'OPERATION_RESOLUTION_FAILURE' satisfies ErrorCode,
                  http: { status: 400 },
                },
              },
            );
          }
          const current = bounds.current;
          if (current !== compiledFor) {
            compiledFor = current;
            compiled = new PerDocumentCache();
          }
          const operationName = operation.name?.value;
          const refusal = checkInput({
            schema,
            document,
            operationName,
            variables: request.variables,
            bounds: current,
            limits,
            cached: (compile) => compiled.get(schema, document, operationName ?? '', compile),
          });
          if (refusal) throw inputError(refusal);
        },
      };
    },
  };
}

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Removes "Did you mean …?" hints (schema details) from an error message. */
export const stripSuggestions = (message: string) => message.replace(SUGGESTION, '');

/**
 * In production, strips "Did you mean …?" from every error (validation errors list field and
 * type names, which would leak the schema with introspection off). A no-op otherwise.
 * Apollo Server 5's `hideSchemaDetailsFromClientErrors: true` does the same for validation.
 */
export function hideSuggestionsPlugin<TContext extends BaseContext>(options: {
  production: boolean;
}): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      if (!options.production) return;
      return {
        async willSendResponse({ response }) {
          const body =
            response.body.kind === 'single'
              ? response.body.singleResult
              : response.body.initialResult;
          if (!body.errors?.length) return;
          body.errors = body.errors.map((error) =>
            error.message.includes('Did you mean')
              ? { ...error, message: stripSuggestions(error.message) }
              : error,
          );
        },
      };
    },
  };
}

/**
 * Apollo Server options that belong with the limits: token limit at parse time (clean 400
 * GRAPHQL_PARSE_FAILED), a recursive-selection guard that runs before validation, no batching,
 * no schema hints in production.
 */
export function apolloLimitOptions(options: { production: boolean; maxTokens?: number }) {
  return {
    parseOptions: { maxTokens: options.maxTokens ?? DEFAULT_LIMITS.maxTokens },
    maxRecursiveSelections: 10_000,
    allowBatchedHttpRequests: false,
    hideSchemaDetailsFromClientErrors: options.production,
    introspection: !options.production,
  } as const;
}

/**
 * Password fields (`@passwordHashing`: login, register…), once Apollo has resolved the operation
 * and before anything executes (`responseForOperation`, after every `didResolveOperation` check
 * passed): the fields the selected operation executes are counted against the sign-in budgets
 * with their real emails (`executedPasswordFields`: variable defaults, coercion, fragments,
 * `@skip`/`@include`) — over budget → HTTP 429 `RATE_LIMITED` with `retry-after`; then more than
 * one such field → HTTP 400 `TOO_MANY_PASSWORD_FIELDS` (each costs an argon2 hash). Variables
 * that do not coerce → 400 `BAD_USER_INPUT` (nothing would run). After execution, a field whose
 * payload's `accessToken` is a non-empty string succeeded: only its own IP + email count is
 * reset (an alias cannot stand in for it: the key is the field's own response key).
 */
export function passwordFieldsPlugin<TContext extends BaseContext & { clientIp?: string }>(
  rules: { readonly current: PasswordFieldRules },
  limits: RequestLimits | undefined,
  /** Told each access token a password field just issued (the gateway primes a cache). */
  signedIn?: (accessToken: string) => void,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      let executed: ExecutedPasswordField | undefined;
      return {
        async responseForOperation({ contextValue, document, operation, request, schema }) {
          if (!operation || rules.current.size === 0) return null;
          const result = executedPasswordFields({
            schema,
            document,
            operation,
            variables: request.variables,
            rules: rules.current,
          });
          if (!result.ok) return refusal(400, 'BAD_USER_INPUT', result.message);
          if (result.fields.length === 0) return null;
          if (limits && contextValue.clientIp) {
            const limited = await limits.checkPasswordAttempts(
              contextValue.clientIp,
              result.fields.map(({ field, email, rule }) => ({
                field,
                email,
                createsAccount: rule.createsAccount,
              })),
            );
            if (!limited.ok) {
              return limited.status === 429
                ? refusal(429, limited.code, limited.message, limited.retryAfterSeconds)
                : refusal(limited.status, limited.code, limited.message);
            }
          }
          if (result.fields.length > 1) {
            return refusal(
              400,
              'TOO_MANY_PASSWORD_FIELDS',
              `At most one of ${result.fields.map((field) => field.field).join(', ')} per operation (each checks a password)`,
            );
          }
          executed = result.fields[0];
          return null;
        },
        async willSendResponse({ contextValue, response }) {
          if (!executed || response.body.kind !== 'single') return;
          const payload = response.body.singleResult.data?.[executed.responseKey];
          if (!payload || typeof payload !== 'object') return;
          const token = executed.accessTokenKeys
            .map((key) => (payload as Record<string, unknown>)[key])
            .find((value): value is string => typeof value === 'string' && value.length > 0);
          if (token === undefined) return;
          const ip = contextValue.clientIp;
          if (limits && ip && executed.email) {
            await limits
              .passwordAttemptSucceeded(ip, executed.field, executed.email)
              .catch(() => undefined);
          }
          signedIn?.(token);
        },
      };
    },
  };
}

/** A response refusing the operation before it executes (HTTP status, code, `retry-after`). */
function refusal(
  status: number,
  code: ErrorCode,
  message: string,
  retryAfterSeconds?: number,
): GraphQLResponse {
  const headers = new HeaderMap();
  if (retryAfterSeconds !== undefined) headers.set('retry-after', String(retryAfterSeconds));
  return {
    http: { status, headers },
    body: {
      kind: 'single',
      singleResult: {
        errors: [
          {
            message,
            extensions: {
              code,
              ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
            },
          },
        ],
      },
    },
  };
}
