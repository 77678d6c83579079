import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  bearerToken,
  createVerifier,
  identityFromPayload,
  loadSigningKey,
  mintInternalToken,
  type Identity,
  type KeySource,
  type SigningKey,
} from '@shop/auth';
import { createDatabase, type Database } from '@shop/db';
import { startHttpServer, type RunningHttpServer } from '@shop/http';
import { prepareProductDatabase } from '@shop/product-subgraph';
import { readCommittedSupergraph } from '@shop/schema';
import type { RunningSubgraph } from '@shop/subgraph';
import { createScratchDatabase, type PrivatePostgres, startPrivatePostgres } from '@shop/testing';
import { DEMO_ACCOUNTS, prepareUserDatabase, startUserSubgraph } from '@shop/user-subgraph';
import { DEFAULT_BREAKER } from '@shop/gateway/fetcher';
import { startGateway, type RunningGateway } from '@shop/gateway';
import { SHARED_DATABASE_URL } from './env';
import { freePort } from '@shop/testing';
import { productProcess, type SubgraphProcess } from './subgraph-process';

/**
 * The graph of the subgraph-fault tests (B1, B2): the user subgraph in this process, the product
 * subgraph as a child process on a fixed port, and two gateways over the committed supergraph
 * pointing at both:
 * - `protectedUrl`: the production gateway (`startGateway`: resilient fetcher with the default
 *   2 s timeout and circuit breaker, 5 failures / 5 s open);
 * - `unprotectedUrl`: the stock configuration — `ApolloGateway` with the default
 *   `RemoteGraphQLDataSource` (make-fetch-happen, no timeout, no breaker) that only adds the
 *   internal token so the subgraphs accept its requests — served by the same HTTP layer.
 * The other five subgraphs are not started: the test operation never reaches them.
 */
export interface FaultGraph {
  protectedUrl: string;
  unprotectedUrl: string;
  product: SubgraphProcess;
  user: RunningSubgraph;
  /** A signed-in customer's access token. */
  token: string;
  /** A product the test operation reads. */
  productId: string;
  stop(): Promise<void>;
}

/** The breaker defaults of `createSubgraphFetcher` (fetcher.ts), which `startGateway` uses. */
export const BREAKER = DEFAULT_BREAKER;
export const SUBGRAPH_TIMEOUT_MS = 2_000;

export interface UnprotectedContext {
  identity: Identity | null;
}

/** The stock data source plus the internal token (the subgraphs refuse requests without it). */
export class TokenOnlyDataSource extends RemoteGraphQLDataSource<UnprotectedContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly key: SigningKey,
  ) {
    super({ url });
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<UnprotectedContext>) {
    const identity =
      'context' in options && options.context ? (options.context.identity ?? null) : null;
    const token = await mintInternalToken(this.key, this.subgraph, identity);
    options.request.http?.headers.set('authorization', `Bearer ${token}`);
  }
}

async function startUnprotectedGateway(options: {
  supergraphSdl: string;
  subgraphUrls: Record<string, string>;
  key: SigningKey;
  accessTokenKeys: KeySource;
}): Promise<RunningHttpServer> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) =>
      new TokenOnlyDataSource(name, options.subgraphUrls[name] ?? url ?? '', options.key),
  });
  const apollo = new ApolloServer<UnprotectedContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  // The caller's identity is verified and forwarded like the production gateway does, so both
  // gateways answer `me` the same way; only the subgraph fetch path differs.
  const verify = createVerifier({
    keys: options.accessTokenKeys,
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    type: ACCESS_TOKEN_TYPE,
    requireSubject: true,
  });
  const http = await startHttpServer<UnprotectedContext>({
    apollo,
    context: async (req) => {
      const token = bearerToken(req.headers.authorization);
      const result = token ? await verify(token) : undefined;
      return { identity: result?.ok ? identityFromPayload(result.payload) : null };
    },
    port: 0,
    host: '127.0.0.1',
  });
  return {
    ...http,
    async stop(timeoutMs) {
      await http.stop(timeoutMs);
      await apollo.stop();
    },
  };
}

export async function startFaultGraph(): Promise<FaultGraph> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    let baseUrl = SHARED_DATABASE_URL;
    if (!baseUrl) {
      const server: PrivatePostgres = await startPrivatePostgres();
      cleanups.push(() => server.stop());
      baseUrl = server.url;
    }
    const scratch = await createScratchDatabase(baseUrl, 'shop_rel_faults');
    cleanups.push(() => scratch.drop());
    const database: Database = await createDatabase({ url: scratch.url, maxConnections: 10 });
    cleanups.push(() => database.close());
    await prepareUserDatabase(database, { seed: true });
    await prepareProductDatabase(database, { seed: true });

    const accessTokenKey = await loadSigningKey();
    const gatewayKey = await loadSigningKey();
    const user = await startUserSubgraph({
      database,
      gatewayKeys: [gatewayKey],
      accessTokenKey,
      port: 0,
      host: '127.0.0.1',
    });
    cleanups.push(() => user.stop());

    const productPort = await freePort();
    const productUrl = `http://127.0.0.1:${productPort}/graphql`;
    const supergraphSdl = readCommittedSupergraph();
    const subgraphUrls = { user: user.url, product: productUrl };
    const gateway: RunningGateway = await startGateway({
      supergraphSdl,
      subgraphUrls,
      accessTokenKeys: new URL('/.well-known/jwks.json', user.url),
      signingKey: gatewayKey,
      port: 0,
      host: '127.0.0.1',
      production: true,
      // 10+ clients send a few thousand requests from 127.0.0.1: rate limits are tested elsewhere.
      limits: { requests: false },
      subscriptions: { enabled: false },
    });
    cleanups.push(() => gateway.stop(2_000));
    const unprotected = await startUnprotectedGateway({
      supergraphSdl,
      subgraphUrls,
      key: gatewayKey,
      accessTokenKeys: new URL('/.well-known/jwks.json', user.url),
    });
    cleanups.push(() => unprotected.stop(2_000));

    const product = productProcess({
      port: productPort,
      databaseUrl: scratch.url,
      gatewayJwksUrl: new URL('/.well-known/jwks.json', gateway.url).toString(),
    });
    cleanups.push(() => product.stop());
    await product.start();

    const login = await post<{ login: { accessToken: string } }>(gateway.url, {
      query: `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`,
      variables: { input: DEMO_ACCOUNTS.customer },
    });
    const token = login.data?.login.accessToken;
    if (!token) throw new Error(`login failed: ${JSON.stringify(login)}`);
    const products = await post<{ products: { edges: Array<{ node: { id: string } }> } }>(
      gateway.url,
      { query: `{ products(first: 1) { edges { node { id } } } }` },
    );
    const productId = products.data?.products.edges[0]?.node.id;
    if (!productId) throw new Error(`no product: ${JSON.stringify(products)}`);

    return {
      protectedUrl: gateway.url,
      unprotectedUrl: unprotected.url,
      product,
      user,
      token,
      productId,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function post<T>(
  url: string,
  body: { query: string; variables?: Record<string, unknown> },
): Promise<{ data?: T | null; errors?: unknown[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { data?: T | null; errors?: unknown[] };
}
