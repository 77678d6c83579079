import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { errorCodesOf } from '@shop/http';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { documentVariables, PerDocumentCache, variablesKey } from '../document-cache';
import { estimateCost } from './cost';
import type { SubgraphFetch, UsageReporter } from './reporter';

/** Context fields the usage plugin and the subgraph data sources share for one operation. */
export interface UsageContext extends BaseContext {
  /** Set by the usage plugin on sampled operations; data sources append each fetch to it. */
  subgraphFetches?: SubgraphFetch[];
  /** Set by the response cache when the operation was answered from it. */
  cacheHit?: boolean;
  /**
   * Set on the first-part operation of a deferred request (defer/http.ts): the request is
   * reported once, as its whole operation.
   */
  usageReportedElsewhere?: boolean;
}

/**
 * `estimateCost` memoized per (schema, parsed document, operation name, values of the
 * size-argument variables), the only inputs the estimate depends on.
 */
export function cachedCostEstimator() {
  const cache = new PerDocumentCache<number>();
  return (
    document: DocumentNode,
    schema: GraphQLSchema,
    variables: Record<string, unknown> | undefined,
    operationName: string | null | undefined,
  ): number => {
    const key = `${operationName ?? ''}\u0000${variablesKey(documentVariables(document).size, variables)}`;
    return cache.get(schema, document, key, () =>
      estimateCost(document, schema, variables, { operationName }),
    );
  };
}

const MAX_CLIENT_FIELD = 128;

/**
 * Reports each sampled operation to `reporter` once its response is ready: client from the
 * `apollographql-client-name`/`-version` headers (or `x-client-name`/`-version`), duration,
 * subgraph fetches, distinct error codes (as formatted, so masked errors are
 * INTERNAL_SERVER_ERROR) and the static cost. Requests that never resolve to an operation
 * (unparsable, invalid, unknown operation name) and requests rejected before Apollo runs them
 * (e.g. a bad token) are not reported; `graphql_operations_total` still counts the former.
 * The work here is a header read, a cost walk and a push: publishing happens in the background.
 */
export function usagePlugin<TContext extends UsageContext>(
  reporter: UsageReporter,
): ApolloServerPlugin<TContext> {
  const costOf = cachedCostEstimator();
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.usageReportedElsewhere || !reporter.sample()) return;
      const startedAt = new Date().toISOString();
      const started = performance.now();
      const fetches: SubgraphFetch[] = [];
      contextValue.subgraphFetches = fetches;
      return {
        async willSendResponse({ operation, operationName, document, schema, request, response }) {
          if (!operation) return;
          const durationMs = round(performance.now() - started);
          const headers = request.http?.headers;
          const header = (primary: string, fallback: string) => {
            const value = headers?.get(primary) ?? headers?.get(fallback);
            return value ? value.slice(0, MAX_CLIENT_FIELD) : null;
          };
          const errors =
            response.body.kind === 'single'
              ? response.body.singleResult.errors
              : response.body.initialResult.errors;
          let cost = 0;
          try {
            cost = document ? costOf(document, schema, request.variables, operationName) : 0;
          } catch {
            cost = 0;
          }
          reporter.record({
            operationName: operationName ?? null,
            operationType: operation.operation,
            clientName: header('apollographql-client-name', 'x-client-name'),
            clientVersion: header('apollographql-client-version', 'x-client-version'),
            durationMs,
            startedAt,
            subgraphFetches: fetches.slice(),
            errorCodes: errorCodesOf(errors),
            cost,
            cacheHit: contextValue.cacheHit === true,
            sampleRate: reporter.sampleRate,
          });
        },
      };
    },
  };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
