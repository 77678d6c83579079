import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * Context key (no client can send it) of the `full` operation of a deferred request
 * (defer/http.ts): called when that operation starts executing, i.e. once it passed every
 * request-level check (validation, limits, `@auth`…), so the first part is only sent for an
 * operation that will run.
 */
export const DEFER_EXECUTING: unique symbol = Symbol('defer executing');

/** Tells the `@defer` step when its `full` operation starts executing. */
export function deferExecutionPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const executing = (contextValue as Partial<Record<symbol, unknown>>)[DEFER_EXECUTING];
      if (typeof executing !== 'function') return;
      return {
        async executionDidStart() {
          (executing as () => void)();
        },
      };
    },
  };
}
