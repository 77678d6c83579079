import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as GraphQL from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, type SigningKey } from '@shop/auth';
import {
  apiSchemaOf,
  composeSupergraph,
  loadOperations,
  readCommittedSupergraph,
} from '@shop/schema';
import { createSubgraph, type BaseSubgraphContext, type RunningSubgraph } from '@shop/subgraph';
import { startGateway, type RunningGateway } from '../src/gateway';
import { analyzeOperation } from '../src/limits';
import { ApqCache, createPersistedQueries, Safelist } from '../src/persisted';

const { parse } = createRequire(import.meta.url)('graphql') as typeof GraphQL;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// `login` is a password field (`@passwordHashing`), as in the user subgraph: the gateway counts it.
const SDL = `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@composeDirective"])
  @link(url: "https://shopgraph.dev/password/v1.0", import: ["@passwordHashing"])
  @composeDirective(name: "@passwordHashing")
directive @passwordHashing(email: String, createsAccount: Boolean! = false) on FIELD_DEFINITION
type Query { product(id: ID!): Product  hello: String! }
type Product @key(fields: "id") { id: ID! name: String! }
input LoginInput { email: String!  password: String! }
type LoginResult { accessToken: String }
type Mutation { login(input: LoginInput!): LoginResult! @passwordHashing(email: "input.email") }
`;

const PRODUCT = 'query Product($id: ID!) { product(id: $id) { id name } }';
const HELLO = 'query Hello { hello }';
const LOGIN = 'mutation Login($input: LoginInput!) { login(input: $input) { accessToken } }';

type Body = {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};

/** POSTs a GraphQL body (anything JSON) and returns status + parsed body. */
async function post(url: string, body: unknown): Promise<{ status: number; body: Body }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

/** A GET /graphql with the parameters as the query string (CSRF preflight header set). */
async function get(url: string, params: Record<string, unknown>) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const response = await fetch(`${url}?${search}`, {
    headers: { 'apollo-require-preflight': 'true', accept: 'application/json' },
  });
  return { status: response.status, body: (await response.json()) as Body };
}

const persistedQuery = (query: string) => ({
  persistedQuery: { version: 1, sha256Hash: sha256(query) },
});

describe('persisted query resolution', () => {
  const safelisted = createPersistedQueries({
    mode: 'safelist',
    operations: [{ body: PRODUCT, name: 'Product' }, { body: HELLO }],
  });

  it('should compute ids from the bodies and match exact or trimmed text', () => {
    const list = new Safelist([{ body: PRODUCT, name: 'Product' }]);
    expect(list.size).toBe(1);
    expect(list.byHash(sha256(PRODUCT))?.name).toBe('Product');
    expect(list.byText(`${PRODUCT}\n`)?.id).toBe(sha256(PRODUCT));
    expect(list.byText(PRODUCT.replace('name', 'name slug'))).toBeUndefined();
    expect(() => new Safelist([{ body: PRODUCT, id: sha256(HELLO) }])).toThrow(
      /is not the sha256 of its body/,
    );
  });

  it('should run a known id or known text, and refuse everything else with a 400 code', async () => {
    expect(await safelisted.resolve({ query: PRODUCT })).toEqual({
      ok: true,
      query: PRODUCT,
      stripExtension: false,
    });
    expect(await safelisted.resolve({ extensions: persistedQuery(PRODUCT) })).toEqual({
      ok: true,
      query: PRODUCT,
      stripExtension: true,
    });
    const refused = async (request: { query?: unknown; extensions?: unknown }) => {
      const resolution = await safelisted.resolve(request);
      if (resolution.ok) throw new Error(`accepted ${JSON.stringify(request)}`);
      return { message: resolution.error.message, ...resolution.error.extensions };
    };
    expect(await refused({ query: '{ hello }' })).toEqual({
      message:
        'This operation is not in the safelist: only registered operations run on this gateway',
      code: 'PERSISTED_QUERY_NOT_IN_SAFELIST',
      http: { status: 400 },
    });
    expect(await refused({ extensions: persistedQuery('{ hello }') })).toMatchObject({
      code: 'PERSISTED_QUERY_NOT_IN_SAFELIST',
      http: { status: 400 },
    });
    // Registration of a new text under its own hash is refused too.
    expect(
      await refused({ query: '{ hello }', extensions: persistedQuery('{ hello }') }),
    ).toMatchObject({ code: 'PERSISTED_QUERY_NOT_IN_SAFELIST' });
    expect(
      await refused({ query: '{ hello }', extensions: persistedQuery(PRODUCT) }),
    ).toMatchObject({ code: 'PERSISTED_QUERY_HASH_MISMATCH', http: { status: 400 } });
    expect(
      await refused({
        extensions: { persistedQuery: { version: 2, sha256Hash: sha256(PRODUCT) } },
      }),
    ).toMatchObject({ code: 'BAD_REQUEST', http: { status: 400 } });
    expect(
      await refused({ extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }),
    ).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('should refuse an unknown text over graphql-ws and swap a known one for the registered body', () => {
    expect(safelisted.checkSubscribePayload({ query: `${HELLO}\n` })).toEqual({ query: HELLO });
    const refused = safelisted.checkSubscribePayload({ query: 'subscription { x }' });
    expect('errors' in refused && refused.errors[0]?.extensions).toEqual({
      code: 'PERSISTED_QUERY_NOT_IN_SAFELIST',
    });
    expect(
      safelisted.checkSubscribePayload({ query: '', extensions: persistedQuery(HELLO) }),
    ).toEqual({ query: HELLO });
    // In APQ mode the socket is not restricted.
    expect(createPersistedQueries().checkSubscribePayload({ query: '{ x }' })).toEqual({
      query: '{ x }',
    });
  });

  it('should load the committed registry by default in safelist mode', () => {
    const persisted = createPersistedQueries({ mode: 'safelist' });
    const operations = loadOperations();
    expect(persisted.safelist?.size).toBe(operations.length);
    for (const operation of operations) {
      expect(persisted.safelist?.byHash(operation.id)?.body).toBe(operation.body);
    }
    expect(persisted.apolloOptions.persistedQueries).toBe(false);
    expect(createPersistedQueries({ mode: 'off' }).apolloOptions.persistedQueries).toBe(false);
    expect(() => createPersistedQueries({ mode: 'nope' as never })).toThrow(/unknown mode "nope"/);
  });

  it('should bound the APQ cache by the size of the stored texts (least recently used first)', async () => {
    const cache = new ApqCache(1_000);
    const text = (n: number) => `query Q${n} { hello }`.padEnd(400, ' ');
    await cache.set(`apq:${sha256(text(1))}`, text(1));
    await cache.set(`apq:${sha256(text(2))}`, text(2));
    expect(await cache.get(`apq:${sha256(text(1))}`)).toBe(text(1)); // 1 is now the most recent
    await cache.set(`apq:${sha256(text(3))}`, text(3));
    expect(await cache.lookup(sha256(text(2)))).toBeUndefined();
    expect(await cache.lookup(sha256(text(1)))).toBe(text(1));
    expect(cache.hashes().sort()).toEqual([sha256(text(1)), sha256(text(3))].sort());
  });

  it('should keep every registered operation within the gateway default operation limits', () => {
    const schema = apiSchemaOf(readCommittedSupergraph());
    for (const operation of loadOperations()) {
      const result = analyzeOperation(parse(operation.body), { schema });
      expect({ file: operation.file, ok: result.ok }).toEqual({ file: operation.file, ok: true });
    }
  });
});

describe('persisted queries plugin on its own (no HTTP intercept)', () => {
  it('should refuse, rewrite and pass operations inside Apollo Server (POST and GET)', async () => {
    const persisted = createPersistedQueries({ mode: 'safelist', operations: [{ body: HELLO }] });
    const apollo = new ApolloServer({
      typeDefs: 'type Query { hello: String! }',
      resolvers: { Query: { hello: () => 'world' } },
      ...persisted.apolloOptions,
      plugins: [persisted.plugin()],
    });
    await apollo.start();
    const run = async (method: 'GET' | 'POST', params: Record<string, unknown>) => {
      const search = new URLSearchParams();
      if (method === 'GET') {
        for (const [name, value] of Object.entries(params))
          search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
      }
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method,
          headers: new HeaderMap([
            ['content-type', 'application/json'],
            ['apollo-require-preflight', 'true'],
          ]),
          search: method === 'GET' ? `?${search}` : '',
          body: method === 'POST' ? params : undefined,
        },
        context: async () => ({}),
      });
      if (response.body.kind !== 'complete') throw new Error('streamed');
      return { status: response.status ?? 200, body: JSON.parse(response.body.string) as Body };
    };
    try {
      for (const method of ['POST', 'GET'] as const) {
        const unknown = await run(method, { query: '{ hello }' });
        expect(unknown.status).toBe(400);
        expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
        const unknownHash = await run(method, { extensions: persistedQuery('{ hello }') });
        expect(unknownHash.status).toBe(400);
        expect(unknownHash.body.errors?.[0]?.extensions?.code).toBe(
          'PERSISTED_QUERY_NOT_IN_SAFELIST',
        );
        const knownHash = await run(method, { extensions: persistedQuery(HELLO) });
        expect(knownHash.body).toEqual({ data: { hello: 'world' } });
        expect(knownHash.status).toBe(200);
        const knownText = await run(method, { query: HELLO });
        expect(knownText.body).toEqual({ data: { hello: 'world' } });
      }
    } finally {
      await apollo.stop();
    }
  });
});

describe('persisted queries through the gateway', () => {
  let gatewayKey: SigningKey;
  let subgraph: RunningSubgraph;
  let dir: string;
  let supergraphSdl: string;
  const gateways: RunningGateway[] = [];

  const subgraphRequests = async () => {
    const text = await (await fetch(new URL('/metrics', subgraph.url))).text();
    let total = 0;
    for (const match of text.matchAll(/http_requests_total\{[^}]*route="\/graphql"[^}]*\} (\d+)/g))
      total += Number(match[1]);
    return total;
  };

  const start = async (options: Partial<Parameters<typeof startGateway>[0]> = {}) => {
    const gateway = await startGateway({
      supergraphSdl,
      subgraphUrls: {},
      accessTokenKeys: [gatewayKey],
      signingKey: gatewayKey,
      port: 0,
      limits: { requests: false },
      ...options,
    });
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    gatewayKey = await loadSigningKey();
    subgraph = await createSubgraph<BaseSubgraphContext>({
      name: 'shop',
      typeDefs: parse(SDL),
      gatewayKeys: [gatewayKey],
      context: (base) => base,
      port: 0,
      host: '127.0.0.1',
      resolvers: {
        Query: {
          product: (_: unknown, args: { id: string }) => ({ id: args.id, name: 'Lamp' }),
          hello: () => 'world',
        },
        Mutation: { login: () => ({ accessToken: null }) },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'shop-persisted-'));
    writeFileSync(join(dir, 'shop.graphql'), SDL);
    const composed = composeSupergraph([
      { name: 'shop', defaultUrl: subgraph.url, sdlPath: pathToFileURL(join(dir, 'shop.graphql')) },
    ]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));
    supergraphSdl = composed.supergraphSdl;
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await subgraph?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should run the APQ round trip by default: miss, register, hit (POST and GET)', async () => {
    const gateway = await start();
    const variables = { id: 'p1' };
    const before = await subgraphRequests();

    const miss = await post(gateway.url, { variables, extensions: persistedQuery(PRODUCT) });
    expect(miss.status).toBe(200);
    expect(miss.body.errors?.[0]).toMatchObject({
      message: 'PersistedQueryNotFound',
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });
    expect(miss.body.data).toBeUndefined();
    expect(await subgraphRequests()).toBe(before);

    const register = await post(gateway.url, {
      query: PRODUCT,
      variables,
      extensions: persistedQuery(PRODUCT),
    });
    expect(register).toEqual({
      status: 200,
      body: expect.objectContaining({ data: { product: { id: 'p1', name: 'Lamp' } } }),
    });
    expect(register.body.errors).toBeUndefined();

    const hit = await post(gateway.url, {
      variables: { id: 'p2' },
      extensions: persistedQuery(PRODUCT),
    });
    expect(hit.status).toBe(200);
    expect(hit.body.data).toEqual({ product: { id: 'p2', name: 'Lamp' } });
    expect(hit.body.errors).toBeUndefined();

    const viaGet = await get(gateway.url, {
      variables: { id: 'p3' },
      extensions: persistedQuery(PRODUCT),
    });
    expect(viaGet.status).toBe(200);
    expect(viaGet.body.data).toEqual({ product: { id: 'p3', name: 'Lamp' } });
  });

  it('should refuse a wrong hash or an unsupported version with 400 and a code, not 500', async () => {
    const gateway = await start();
    const before = await subgraphRequests();
    const wrong = await post(gateway.url, {
      query: HELLO,
      extensions: persistedQuery(PRODUCT),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([
      {
        message: 'extensions.persistedQuery.sha256Hash is not the sha256 of the query',
        extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' },
      },
    ]);
    const version = await post(gateway.url, {
      query: HELLO,
      extensions: { persistedQuery: { version: 2, sha256Hash: sha256(HELLO) } },
    });
    expect(version.status).toBe(400);
    expect(version.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    const getWrong = await get(gateway.url, { query: HELLO, extensions: persistedQuery(PRODUCT) });
    expect(getWrong.status).toBe(400);
    expect(getWrong.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    expect(await subgraphRequests()).toBe(before);
    // The wrong hash registered nothing.
    const after = await post(gateway.url, { extensions: persistedQuery(HELLO) });
    expect(after.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('should evict APQ entries past the configured cache size', async () => {
    const gateway = await start({ persistedQueries: { mode: 'apq', apqCacheMaxBytes: 200 } });
    const first = `query First { hello }${' '.repeat(120)}`;
    const second = `query Second { hello }${' '.repeat(120)}`;
    for (const query of [first, second]) {
      const registered = await post(gateway.url, { query, extensions: persistedQuery(query) });
      expect(registered.body.data).toEqual({ hello: 'world' });
    }
    // The registration is stored after the response is computed: wait for it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const secondHit = await post(gateway.url, { extensions: persistedQuery(second) });
    expect(secondHit.body.data).toEqual({ hello: 'world' });
    const firstMiss = await post(gateway.url, { extensions: persistedQuery(first) });
    expect(firstMiss.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('should count a hash-only login mutation against the login rate limit', async () => {
    const gateway = await start({
      limits: {
        requests: {
          perIp: false,
          perUser: false,
          loginPerIp: false,
          loginPerIpEmail: { points: 3, durationMs: 60_000 },
        },
      },
    });
    const variables = { input: { email: 'victim@example.com', password: 'guess-0' } };
    const registered = await post(gateway.url, {
      query: LOGIN,
      variables,
      extensions: persistedQuery(LOGIN),
    });
    expect(registered.body.data).toEqual({ login: { accessToken: null } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const statuses: number[] = [];
    for (let i = 1; i <= 3; i += 1) {
      const attempt = await post(gateway.url, {
        variables: { input: { email: 'victim@example.com', password: `guess-${i}` } },
        extensions: persistedQuery(LOGIN),
      });
      statuses.push(attempt.status);
      if (attempt.status === 429) {
        expect(attempt.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      } else {
        expect(attempt.body.data).toEqual({ login: { accessToken: null } });
      }
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('should refuse PERSISTED_QUERY_NOT_SUPPORTED when off', async () => {
    const gateway = await start({ persistedQueries: { mode: 'off' } });
    const result = await post(gateway.url, {
      query: HELLO,
      extensions: persistedQuery(HELLO),
    });
    expect(result.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
    expect((await post(gateway.url, { query: HELLO })).body.data).toEqual({ hello: 'world' });
  });

  describe('safelist mode', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await start({
        persistedQueries: {
          mode: 'safelist',
          operations: [
            { body: PRODUCT, name: 'Product' },
            { body: HELLO, name: 'Hello' },
          ],
        },
      });
    });

    it('should answer a known hash and a known text with 200 and data', async () => {
      const byHash = await post(gateway.url, {
        variables: { id: 'p9' },
        extensions: persistedQuery(PRODUCT),
      });
      expect(byHash.status).toBe(200);
      expect(byHash.body).toEqual(
        expect.objectContaining({ data: { product: { id: 'p9', name: 'Lamp' } } }),
      );
      expect(byHash.body.errors).toBeUndefined();
      const byText = await post(gateway.url, { query: HELLO });
      expect(byText.status).toBe(200);
      expect(byText.body.data).toEqual({ hello: 'world' });
      const both = await post(gateway.url, { query: HELLO, extensions: persistedQuery(HELLO) });
      expect(both.body.data).toEqual({ hello: 'world' });
    });

    it('should refuse unknown text and unknown hashes with 400 before any subgraph call', async () => {
      const before = await subgraphRequests();
      const unknownText = await post(gateway.url, { query: '{ hello }' });
      expect(unknownText.status).toBe(400);
      expect(unknownText.body.errors?.[0]?.extensions).toEqual({
        code: 'PERSISTED_QUERY_NOT_IN_SAFELIST',
      });
      const unknownHash = await post(gateway.url, { extensions: persistedQuery('{ hello }') });
      expect(unknownHash.status).toBe(400);
      expect(unknownHash.body.errors?.[0]?.extensions?.code).toBe(
        'PERSISTED_QUERY_NOT_IN_SAFELIST',
      );
      const registration = await post(gateway.url, {
        query: '{ hello }',
        extensions: persistedQuery('{ hello }'),
      });
      expect(registration.status).toBe(400);
      expect(registration.body.errors?.[0]?.extensions?.code).toBe(
        'PERSISTED_QUERY_NOT_IN_SAFELIST',
      );
      // Registration was refused: the hash is still unknown.
      expect((await post(gateway.url, { extensions: persistedQuery('{ hello }') })).status).toBe(
        400,
      );
      // An invalid document is refused as unknown too (no schema details in the answer).
      const invalid = await post(gateway.url, { query: '{ nosuchField }' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      expect(await subgraphRequests()).toBe(before);
    });

    it('should apply to GET requests', async () => {
      const before = await subgraphRequests();
      const unknown = await get(gateway.url, { query: '{ hello }' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      const unknownHash = await get(gateway.url, { extensions: persistedQuery('{ hello }') });
      expect(unknownHash.status).toBe(400);
      expect(unknownHash.body.errors?.[0]?.extensions?.code).toBe(
        'PERSISTED_QUERY_NOT_IN_SAFELIST',
      );
      expect(await subgraphRequests()).toBe(before);
      const known = await get(gateway.url, {
        variables: { id: 'g1' },
        extensions: persistedQuery(PRODUCT),
      });
      expect(known.status).toBe(200);
      expect(known.body.data).toEqual({ product: { id: 'g1', name: 'Lamp' } });
      const knownText = await get(gateway.url, { query: HELLO });
      expect(knownText.body.data).toEqual({ hello: 'world' });
    });

    it('should apply to graphql-ws subscribe messages', async () => {
      const client = createClient({
        url: gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
      });
      const run = (query: string) =>
        new Promise<{ data?: unknown; errors?: unknown }>((resolve) => {
          let result: { data?: unknown; errors?: unknown } = {};
          client.subscribe(
            { query },
            {
              next: (value) => (result = value as typeof result),
              error: (errors) => resolve({ errors }),
              complete: () => resolve(result),
            },
          );
        });
      try {
        const before = await subgraphRequests();
        const refused = await run('{ hello }');
        expect(refused.errors).toEqual([
          {
            message:
              'This operation is not in the safelist: only registered operations run on this gateway',
            extensions: { code: 'PERSISTED_QUERY_NOT_IN_SAFELIST' },
          },
        ]);
        const refusedSubscription = await run('subscription S { hello }');
        expect(refusedSubscription.errors).toEqual([
          expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_IN_SAFELIST' } }),
        ]);
        expect(await subgraphRequests()).toBe(before);
        expect(await run(HELLO)).toEqual({ data: { hello: 'world' } });
      } finally {
        await client.dispose();
      }
    });
  });
});
