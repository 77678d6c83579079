import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { parse, type FormattedExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, mintInternalToken, type SigningKey } from '@shop/auth';
import { composeSupergraph } from '@shop/schema';
import { createSubgraph, type BaseSubgraphContext, type RunningSubgraph } from '@shop/subgraph';
import {
  createSubgraphFetcher,
  downstreamError,
  type SubgraphFetcher,
  type SubgraphFetcherOptions,
} from '../src/fetcher';

const PRODUCTS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { product(id: ID!): Product }
type Product @key(fields: "id") { id: ID! name: String! }
`;
const REVIEWS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Product @key(fields: "id") { id: ID! reviews: [String!] }
`;

/**
 * The wiring proposed for `InternalAuthDataSource`: the resilient fetcher as the `fetcher`
 * option, and `didEncounterError` rethrowing `downstreamError(...)`.
 *
 * Why `didEncounterError`: `RemoteGraphQLDataSource.sendRequest` catches whatever the fetcher
 * (or `errorFromResponse`) throws and calls `didEncounterError(error)`, whose default rethrows it;
 * `executeQueryPlan` then pushes the thrown error *as is* into the response's `errors` (no
 * `serviceName` is added for thrown errors, unlike subgraph `errors[]`), and Apollo Server turns a
 * plain `Error` into `INTERNAL_SERVER_ERROR`. Rethrowing a `GraphQLError` with
 * `extensions: { code, serviceName }` keeps the code and service name; data from the other
 * subgraphs is kept and the failed fetch's fields are null (partial data).
 */
class ResilientDataSource extends RemoteGraphQLDataSource<BaseSubgraphContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly key: SigningKey,
    readonly subgraphFetcher: SubgraphFetcher,
  ) {
    super({ url, fetcher: subgraphFetcher });
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<BaseSubgraphContext>) {
    const token = await mintInternalToken(this.key, this.subgraph, null);
    options.request.http?.headers.set('authorization', `Bearer ${token}`);
  }

  override didEncounterError(error: Error): void {
    throw downstreamError(this.subgraph, error);
  }
}

describe('gateway with the resilient fetcher', () => {
  let gatewayKey: SigningKey;
  let products: RunningSubgraph;
  let productsStopped = false;
  let hung: Server;
  let hungUrl: string;
  let hungHits = 0;
  let dir: string;
  let apollo: ApolloServer;
  const fetchers: SubgraphFetcher[] = [];
  const fetcherOptions: Record<string, Omit<SubgraphFetcherOptions, 'subgraph'>> = {
    products: {},
    reviews: { breaker: { failureThreshold: 2, openMs: 60_000 } }, // default 2000 ms timeout
  };

  beforeAll(async () => {
    gatewayKey = await loadSigningKey();
    products = await createSubgraph<BaseSubgraphContext>({
      name: 'products',
      typeDefs: parse(PRODUCTS_SDL),
      gatewayKeys: [gatewayKey],
      context: (base) => base,
      port: 0,
      host: '127.0.0.1',
      resolvers: {
        Query: { product: (_: unknown, args: { id: string }) => ({ id: args.id, name: 'Lamp' }) },
      },
    });
    // The reviews subgraph accepts connections and never answers (like a SIGSTOPped process).
    hung = createServer(() => hungHits++);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/graphql`;

    dir = mkdtempSync(join(tmpdir(), 'shop-fetcher-'));
    writeFileSync(join(dir, 'products.graphql'), PRODUCTS_SDL);
    writeFileSync(join(dir, 'reviews.graphql'), REVIEWS_SDL);
    const composed = composeSupergraph([
      {
        name: 'products',
        defaultUrl: products.url,
        sdlPath: pathToFileURL(join(dir, 'products.graphql')),
      },
      {
        name: 'reviews',
        defaultUrl: hungUrl,
        sdlPath: pathToFileURL(join(dir, 'reviews.graphql')),
      },
    ]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));

    const gateway = new ApolloGateway({
      supergraphSdl: composed.supergraphSdl,
      buildService: ({ name, url }) => {
        const fetcher = createSubgraphFetcher({ subgraph: name, ...fetcherOptions[name] });
        fetchers.push(fetcher);
        return new ResilientDataSource(name, url ?? '', gatewayKey, fetcher);
      },
    });
    apollo = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
    await apollo.start();
  });

  afterAll(async () => {
    await apollo?.stop();
    for (const fetcher of fetchers) fetcher.close();
    hung?.closeAllConnections();
    await new Promise<void>((resolve) => (hung ? hung.close(() => resolve()) : resolve()));
    if (!productsStopped) await products?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const query = async () => {
    const response = await apollo.executeOperation({
      query: '{ product(id: "p1") { id name reviews } }',
    });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult as FormattedExecutionResult;
  };

  it('answers with partial data and an error naming the hung subgraph, within the timeout', async () => {
    const started = performance.now();
    const result = await query();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1990);
    expect(elapsed).toBeLessThan(2500);
    expect(result.data).toEqual({ product: { id: 'p1', name: 'Lamp', reviews: null } });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.message).toBe('Subgraph "reviews" did not answer within 2000 ms');
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBGRAPH_TIMEOUT',
      serviceName: 'reviews',
    });
    expect(JSON.stringify(result)).not.toContain(hungUrl);
  });

  it('fails fast once the breaker is open, without reaching the hung subgraph', async () => {
    await query(); // second consecutive timeout opens the breaker (threshold 2)
    const hits = hungHits;
    const started = performance.now();
    const result = await query();
    expect(performance.now() - started).toBeLessThan(200);
    expect(hungHits).toBe(hits);
    expect(result.data).toEqual({ product: { id: 'p1', name: 'Lamp', reviews: null } });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBGRAPH_UNAVAILABLE',
      serviceName: 'reviews',
    });
    expect(result.errors?.[0]?.message).toContain('"reviews"');
  });

  it('reports a dead (stopped) subgraph as SUBGRAPH_UNAVAILABLE at once', async () => {
    await products.stop();
    productsStopped = true;
    const started = performance.now();
    const result = await query();
    expect(performance.now() - started).toBeLessThan(500);
    expect(result.data).toEqual({ product: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.message).toBe('Subgraph "products" is unavailable');
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBGRAPH_UNAVAILABLE',
      serviceName: 'products',
    });
    expect(JSON.stringify(result)).not.toContain('127.0.0.1');
  });
});
