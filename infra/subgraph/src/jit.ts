import { createRequire } from 'node:module';
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import type * as GraphQL from 'graphql';
import type {
  DocumentNode,
  ExecutionResult,
  GraphQLError as GraphQLErrorType,
  GraphQLSchema,
  OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { Lru } from '@shop/primitives';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

// graphql-js' `execute` from the CommonJS build — the one @apollo/subgraph (CommonJS) built the
// schema with. Under vitest an ESM `import` would resolve to graphql's `.mjs` build, a second
// copy whose instanceof checks reject that schema.
const { execute, visit, GraphQLError } = createRequire(import.meta.url)(
  'graphql',
) as typeof GraphQL;

export interface JitExecutorOptions {
  /** Compiled operations kept (least recently used evicted); default 500. */
  maxCompiled?: number;
}

/**
 * Executes queries through graphql-jit instead of graphql-js' interpreter: each distinct
 * operation (Apollo's query hash + operation name) is compiled once to a JavaScript function
 * and reused. The gateway sends the same few query-plan fetches over and over (`_entities`
 * with the same selection, the same root fields), so compilation pays off after one request;
 * interpreting a 50-order history page was ~20 % of the order subgraph's CPU
 * (bench/gateway/profile-order.md).
 *
 * Plugged in through Apollo Server's gateway interface, whose executor replaces only the
 * execute step: parsing, validation, plugins, error formatting (masking) and HTTP handling stay
 * Apollo Server's. Mutations (serial semantics, rare), introspection and anything graphql-jit
 * cannot compile run on graphql-js as before.
 */
export function jitExecutorGateway(schema: GraphQLSchema, options: JitExecutorOptions = {}) {
  const maxCompiled = options.maxCompiled ?? 500;
  // A wrapper per entry: `{ query: null }` remembers an operation graphql-jit cannot compile.
  const compiled = new Lru<{ query: CompiledQuery | null }>(maxCompiled);

  const compile = (
    key: string,
    document: DocumentNode,
    operationName: string | null,
  ): CompiledQuery | null => {
    const hit = compiled.get(key);
    if (hit) return hit.query;
    let query: CompiledQuery | null = null;
    // graphql-jit does not substitute variables nested in list/object literals of custom
    // scalars (`representations: [{ __typename: "User", id: $id }]`): graphql-js runs those.
    if (!hasNestedVariables(document)) {
      const result = compileQuery(schema, document, operationName ?? undefined, {
        // Leaves are serialized by the schema's scalars, as graphql-js does.
        customJSONSerializer: false,
      });
      query = isCompiledQuery(result) ? result : null;
    }
    compiled.set(key, { query });
    return query;
  };

  const gateway: Gateway = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return {
        async executor(requestContext) {
          const { document, operation, operationName, request, context } = requestContext;
          const variables = request.variables ?? {};
          const interpreted = () =>
            execute({
              schema,
              document,
              contextValue: context,
              variableValues: variables,
              operationName,
            }) as Promise<ExecutionResult> | ExecutionResult;
          if (operation.operation !== 'query' || isIntrospection(operation)) return interpreted();
          const query = compile(
            `${requestContext.queryHash}\u0000${operationName ?? ''}`,
            document,
            operationName,
          );
          if (!query) return interpreted();
          const result = (await query.query(undefined, context, variables)) as ExecutionResult;
          if (result.errors) return { ...result, errors: result.errors.map(asGraphQLError) };
          return result;
        },
      };
    },
    async stop() {
      compiled.clear();
    },
  };
  return gateway;
}

interface JitError {
  message: string;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  path?: ReadonlyArray<string | number>;
  originalError?: (Error & { extensions?: Record<string, unknown> }) | null;
  extensions?: Record<string, unknown>;
}

/**
 * graphql-jit reports errors with its own GraphQLError look-alike (it passes `instanceof` but
 * has no `extensions` object, on which Apollo Server's error normalization throws and answers a
 * bare "Internal server error" without `path`/`locations`). Rebuilt here as
 * graphql-js errors carrying the same message, path, locations, extensions and original error,
 * exactly what graphql-js' `locatedError` produces for a throwing resolver.
 */
function asGraphQLError(error: unknown): GraphQLErrorType {
  const jit = error as JitError;
  const extensions = jit.extensions ?? jit.originalError?.extensions;
  const rebuilt = new GraphQLError(jit.message, {
    ...(jit.path ? { path: jit.path } : {}),
    ...(jit.originalError ? { originalError: jit.originalError } : {}),
    ...(extensions ? { extensions } : {}),
  });
  // graphql-js derives `locations` from AST nodes, which graphql-jit does not keep.
  if (jit.locations) (rebuilt as { locations?: unknown }).locations = jit.locations;
  return rebuilt;
}

/** Whether a variable appears inside a list or object literal argument anywhere. */
function hasNestedVariables(document: DocumentNode): boolean {
  let found = false;
  let depth = 0;
  visit(document, {
    ListValue: { enter: () => void (depth += 1), leave: () => void (depth -= 1) },
    ObjectValue: { enter: () => void (depth += 1), leave: () => void (depth -= 1) },
    Variable: () => {
      if (depth > 0) found = true;
    },
  });
  return found;
}

/** Whether the operation asks for `__schema` or `__type` at its root (served by graphql-js). */
function isIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some(
    (selection) =>
      selection.kind !== 'Field' ||
      selection.name.value === '__schema' ||
      selection.name.value === '__type',
  );
}
