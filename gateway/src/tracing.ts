import type { Fetcher } from '@apollo/utils.fetcher';
import {
  injectTraceparent,
  SpanKind,
  SpanStatusCode,
  tracingEnabled,
  withSpan,
} from '@shop/telemetry';

/** The service name of the gateway's spans. */
export const GATEWAY_SERVICE = 'gateway';

/**
 * When tracing is on, wraps a subgraph fetcher so each call runs in a CLIENT span of the
 * gateway (child of the operation's span) and sends that span's `traceparent` header, which
 * the subgraph's SERVER span takes as its parent. When tracing is off, returns `fetcher`
 * itself: the request path is unchanged.
 */
export function traceSubgraphFetcher(subgraph: string, fetcher: Fetcher): Fetcher {
  if (!tracingEnabled()) return fetcher;
  return (url, init = {}) =>
    withSpan(
      `fetch ${subgraph}`,
      {
        service: GATEWAY_SERVICE,
        kind: SpanKind.CLIENT,
        attributes: { 'shop.subgraph': subgraph, 'http.request.method': init.method ?? 'GET' },
      },
      async (span) => {
        const traceparent = injectTraceparent();
        const response = await fetcher(
          url,
          traceparent ? { ...init, headers: { ...init.headers, traceparent } } : init,
        );
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return response;
      },
    );
}
