import { createInternalTokenCache, mintInternalToken, type SigningKey } from '@shop/auth';
import { injectTraceparent, SpanKind, tracingEnabled, withSpan } from '@shop/telemetry';

/** A GraphQL error returned by another subgraph, or that subgraph unreachable. */
export class ServiceCallError extends Error {
  constructor(
    readonly subgraph: string,
    message: string,
    /** The callee's error code; `SERVICE_UNAVAILABLE` when it could not be reached in time. */
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(`${subgraph}: ${message}`, options);
  }
}

export interface ServiceClientOptions {
  /** The calling subgraph's name; the callee sees identity `service:<self>` with role SERVICE. */
  self: string;
  /** The internal signing key (the same trust root as the gateway's internal tokens). */
  key: SigningKey;
  /** URLs of the subgraphs this one may call, by name. */
  urls: Record<string, string>;
  /** Per-call timeout; default 5 s. */
  timeoutMs?: number;
}

/** Calls other subgraphs directly, authenticated as a service. */
export interface ServiceClient {
  call<TData>(subgraph: string, query: string, variables?: Record<string, unknown>): Promise<TData>;
}

/**
 * Service-to-service GraphQL calls for what must be synchronous (stock reservation at
 * checkout, reading a cart, an order's amount). Each call carries an internal token (cached
 * per callee) with role SERVICE, audience `subgraph:<callee>`. Fields meant only for services
 * are `@inaccessible` in the SDL (not in the public API) and check `requireRole(context,
 * 'SERVICE')`.
 *
 * @example
 * const client = createServiceClient({ self: 'order', key, urls: { product: productUrl } });
 * const data = await client.call<{ reserveStock: … }>('product', RESERVE, { input });
 */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const identity = { userId: `service:${options.self}`, roles: ['SERVICE' as const] };
  // One token per callee, reused while more than half of its 60 s lifetime is left.
  const tokens = createInternalTokenCache({
    mint: (subgraph, who) => mintInternalToken(options.key, subgraph, who),
    maxEntries: 100,
  });
  async function call<TData>(
    subgraph: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<TData> {
    const url = options.urls[subgraph];
    if (!url) throw new ServiceCallError(subgraph, 'no URL configured', undefined);
    const token = await tokens.get(subgraph, identity);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    };
    // The callee's SERVER span becomes a child of the CLIENT span active here.
    const traceparent = injectTraceparent();
    if (traceparent) headers.traceparent = traceparent;
    const timeoutMs = options.timeoutMs ?? 5_000;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // Refused, cut mid-way (a replica killed behind the balancer) or out of time: the callee
      // may or may not have done the work; the callers compensate (releases, claim takeover)
      // and the client retries with its idempotency key, so it is SERVICE_UNAVAILABLE.
      const why =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : 'unreachable';
      throw new ServiceCallError(subgraph, why, 'SERVICE_UNAVAILABLE', { cause: error });
    }
    const body = (await response.json().catch(() => undefined)) as
      | { data?: TData; errors?: Array<{ message: string; extensions?: { code?: string } }> }
      | undefined;
    const error = body?.errors?.[0];
    if (error) throw new ServiceCallError(subgraph, error.message, error.extensions?.code);
    if (!response.ok || !body?.data) {
      throw new ServiceCallError(subgraph, `HTTP ${response.status}`, undefined);
    }
    return body.data;
  }
  return {
    call: (subgraph, query, variables) =>
      tracingEnabled()
        ? withSpan(
            `call ${subgraph}`,
            {
              service: options.self,
              kind: SpanKind.CLIENT,
              attributes: { 'shop.callee': subgraph },
            },
            () => call(subgraph, query, variables),
          )
        : call(subgraph, query, variables),
  };
}
