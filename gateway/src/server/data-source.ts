import {
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
  type ServiceEndpointDefinition,
} from '@apollo/gateway';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import {
  createInternalTokenCache,
  mintInternalToken,
  type InternalTokenCache,
  type SigningKey,
} from '@shop/auth';
import {
  CLIENT_HEADER_MAX_LENGTH,
  CLIENT_IP_HEADER,
  CLIENT_USER_AGENT_HEADER,
} from '@shop/subgraph';
import { createFetchDedup, dedupMarker, DEDUP_IDENTITY_HEADER, type FetchDedup } from '../dedup';
import type { EntityCache } from '../entity-cache';
import { createSubgraphFetcher, downstreamError, type SubgraphFetcher } from '../fetcher';
import { traceSubgraphFetcher } from '../tracing';
import type { GatewayContext } from './context';

/**
 * Sends each subgraph request with an internal token carrying the caller's identity,
 * overwriting anything a client might have tried to pass through. Tokens come from a cache
 * per (subgraph, user id, roles), reused while more than half of their 60 s lifetime is left.
 */
class InternalAuthDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly subgraph: string;
  private readonly tokens: InternalTokenCache;
  readonly subgraphFetcher: SubgraphFetcher;
  /** The entity cache (on when the response cache is). */
  private readonly entities: EntityCache | undefined;
  /** In-flight deduplication of identical query fetches (dedup.ts); off when undefined. */
  private readonly dedup: FetchDedup | undefined;

  constructor(options: {
    subgraph: string;
    url: string;
    tokens: InternalTokenCache;
    subgraphFetcher: SubgraphFetcher;
    entities: EntityCache | undefined;
    dedup: FetchDedup | undefined;
  }) {
    // A CLIENT span per fetch with `traceparent` when tracing is on (tracing.ts); under it,
    // the in-flight deduplication, so every caller keeps its own span.
    const { dedup, subgraphFetcher } = options;
    super({
      url: options.url,
      fetcher: traceSubgraphFetcher(
        options.subgraph,
        dedup ? dedup.wrap(subgraphFetcher) : subgraphFetcher,
      ),
    });
    this.subgraph = options.subgraph;
    this.tokens = options.tokens;
    this.subgraphFetcher = subgraphFetcher;
    this.entities = options.entities;
    this.dedup = dedup;
  }

  /**
   * A timed-out, refused or circuit-broken fetch becomes an error naming the subgraph
   * (SUBGRAPH_TIMEOUT / SUBGRAPH_UNAVAILABLE); the rest of the response is still returned.
   */
  override didEncounterError(error: Error): void {
    throw downstreamError(this.subgraph, error);
  }

  /** Catalog `_entities` fetches go through the entity cache (entity-cache.ts) when it is on. */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    if (this.entities?.subgraph !== this.subgraph) return this.send(options);
    return this.entities.process(options, (sent) => this.send(sent));
  }

  /** Times each fetch into the operation's usage record when the operation is sampled. */
  private async send(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const fetches =
      'context' in options && options.context ? options.context.subgraphFetches : undefined;
    if (!fetches) return super.process(options);
    const started = performance.now();
    let ok = false;
    try {
      const response = await super.process(options);
      ok = !response.errors?.length;
      return response;
    } finally {
      const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      fetches.push({ subgraph: this.subgraph, durationMs, ok });
    }
  }

  /**
   * The internal token, and the client's IP and User-Agent (set, or removed, here: a client's own
   * `x-shop-client-*` headers never reach a subgraph). With deduplication on, a query fetch is
   * marked with its caller's identity for the dedup fetcher (which removes the mark).
   */
  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const context = 'context' in options && options.context ? options.context : undefined;
    const token = await this.tokens.get(this.subgraph, context?.identity ?? null);
    const headers = options.request.http?.headers;
    headers?.set('authorization', `Bearer ${token}`);
    for (const [name, value] of [
      [CLIENT_IP_HEADER, context?.clientIp],
      [CLIENT_USER_AGENT_HEADER, context?.userAgent],
    ] as const) {
      if (value) headers?.set(name, value.slice(0, CLIENT_HEADER_MAX_LENGTH));
      else headers?.delete(name);
    }
    const marker = this.dedup ? dedupMarker(options) : undefined;
    if (marker) headers?.set(DEDUP_IDENTITY_HEADER, marker);
    else headers?.delete(DEDUP_IDENTITY_HEADER);
  }

  /**
   * A subgraph answers 4xx with a GraphQL body for requests it rejects (e.g. a variable that
   * fails its scalar's validation); surface that error's message and code instead of a generic
   * HTTP error, and never the internal URL or raw body.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = (await response.json().catch(() => undefined)) as
      { errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> } | undefined;
    const first = body?.errors?.[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : undefined;
    if (first && typeof first.message === 'string' && code) {
      return new GraphQLError(first.message, { extensions: { code, serviceName: this.subgraph } });
    }
    return new GraphQLError(`Subgraph "${this.subgraph}" answered HTTP ${response.status}`, {
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: this.subgraph },
    });
  }
}

interface SubgraphDataSourcesOptions {
  /** Subgraph URL overrides by name; names missing here use the URL in the supergraph. */
  subgraphUrls: Record<string, string>;
  /** The gateway's key: signs the internal token sent with every subgraph request. */
  signingKey: SigningKey;
  /** Per-subgraph call timeout (fetcher.ts's default when absent). */
  timeoutMs?: number | undefined;
  /** The entity cache, when the response cache is on. */
  entities?: EntityCache | undefined;
  /** Share identical in-flight query fetches (dedup.ts). Default true. */
  dedup?: boolean | undefined;
}

/**
 * The gateway's data sources, one per subgraph: built for @apollo/gateway (`build`, its
 * `buildService`), and the same ones handed to the plan executor and the subscription engine
 * (`get`), so every subgraph fetch goes through one fetcher and token cache per subgraph.
 */
export class SubgraphDataSources {
  private readonly sources = new Map<string, InternalAuthDataSource>();
  private readonly tokens: InternalTokenCache;
  /** The in-flight deduplication shared by every subgraph's data source; undefined when off. */
  readonly dedup: FetchDedup | undefined;

  constructor(private readonly options: SubgraphDataSourcesOptions) {
    this.dedup = options.dedup === false ? undefined : createFetchDedup();
    this.tokens = createInternalTokenCache({
      mint: (subgraph, identity) => mintInternalToken(options.signingKey, subgraph, identity),
      maxEntries: 10_000,
    });
  }

  /** @apollo/gateway's `buildService`: the data source of a subgraph of a (re)loaded supergraph. */
  readonly build = ({ name, url }: ServiceEndpointDefinition): InternalAuthDataSource => {
    const { subgraphUrls, timeoutMs, entities } = this.options;
    const source = new InternalAuthDataSource({
      subgraph: name,
      url: subgraphUrls[name] ?? url ?? '',
      tokens: this.tokens,
      subgraphFetcher: createSubgraphFetcher({
        subgraph: name,
        ...(timeoutMs ? { timeoutMs } : {}),
      }),
      entities,
      dedup: this.dedup,
    });
    this.sources.set(name, source);
    return source;
  };

  /** The data source of a subgraph; undefined before @apollo/gateway has built it. */
  readonly get = (subgraph: string): InternalAuthDataSource | undefined =>
    this.sources.get(subgraph);

  /** Where a subgraph is called: its override, else the URL its data source was built with. */
  url(subgraph: string): string | undefined {
    return this.options.subgraphUrls[subgraph] ?? this.sources.get(subgraph)?.url;
  }

  /** Closes every data source's connections. */
  close(): void {
    for (const source of this.sources.values()) source.subgraphFetcher.close();
  }
}
