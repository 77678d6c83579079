import type { ApolloServer, ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  activeSpan,
  extractContext,
  SpanKind,
  SpanStatusCode,
  tracingEnabled,
  withSpan,
} from '@shop/telemetry';

export {
  initTelemetry,
  shutdownTelemetry,
  tracingEnabled,
  type TelemetryOptions,
} from '@shop/telemetry';

/**
 * When tracing is on, runs every HTTP GraphQL request of `apollo` inside a SERVER span of
 * `service`, child of the request's `traceparent` header (the gateway's fetch span, or a
 * client's) or a new trace without one; everything the request awaits (resolvers, outbox
 * writes, calls to other services) sees it as the active span. The span gets
 * `http.response.status_code`, and {@link graphqlTracingPlugin} names it after the operation.
 * When tracing is off `apollo` is left untouched.
 */
export function traceGraphQLServer<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  service: string,
): void {
  if (!tracingEnabled()) return;
  const execute = apollo.executeHTTPGraphQLRequest.bind(apollo);
  apollo.executeHTTPGraphQLRequest = (request) =>
    withSpan(
      'graphql',
      {
        service,
        kind: SpanKind.SERVER,
        // Never the ambient context: the incoming header alone says whose child this is.
        parent: extractContext(request.httpGraphQLRequest.headers.get('traceparent')),
        attributes: { 'http.request.method': request.httpGraphQLRequest.method },
      },
      async (span) => {
        const response = await execute(request);
        const status = response.status ?? 200;
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return response;
      },
    );
}

/**
 * Names the active request span after the operation (`mutation checkout`) and sets the
 * `graphql.operation.*` attributes, and lists error codes in `graphql.error.codes`. Installed
 * only when tracing is on (it costs nothing otherwise).
 */
export function graphqlTracingPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const span = activeSpan();
      if (!span) return {};
      return {
        async didResolveOperation({ operation, operationName }) {
          const type = operation?.operation ?? 'query';
          span.setAttributes({
            'graphql.operation.type': type,
            ...(operationName ? { 'graphql.operation.name': operationName } : {}),
          });
          span.updateName(`${type}${operationName ? ` ${operationName}` : ''}`);
        },
        async didEncounterErrors({ errors }) {
          const codes = errors.map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
          span.setAttribute('graphql.error.codes', [...new Set(codes)]);
        },
      };
    },
  };
}
