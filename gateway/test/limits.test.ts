import { setLogSink } from '@shop/log';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { ApolloServer, HeaderMap } from '@apollo/server';
import type * as GraphQL from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  analyzeOperation,
  createMemoryStore,
  createRateLimiter,
  createLimitsIntercept,
  createRequestLimits,
  hideSuggestionsPlugin,
  limitsPlugin,
} from '../src/limits';
import { formatError } from '@shop/subgraph';

// The CommonJS graphql Apollo Server uses (see src/limits/graphql.ts).
const { buildSchema } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

const schema = buildSchema(`
  type Product { id: ID! name: String! related: [Product!]! parent: Product }
  type ProductEdge { node: Product! }
  type ProductConnection { edges: [ProductEdge!]! }
  type Query {
    product(id: ID!): Product
    products(first: Int): [Product!]!
    productConnection(first: Int): ProductConnection!
    hello: String
  }
  input LoginInput { email: String! password: String! }
  type Mutation { login(input: LoginInput!): String }
`);

const nested = (levels: number) => {
  // `product` is depth 1; each `parent` adds one; `id` is the innermost level.
  let inner = 'id';
  for (let i = 0; i < levels - 2; i += 1) inner = `parent { ${inner} }`;
  return `{ product(id: "1") { ${inner} } }`;
};

describe('analyzeOperation', () => {
  it('accepts depth 12 and rejects depth 13', () => {
    expect(analyzeOperation(nested(12), { schema })).toMatchObject({ ok: true });
    expect(analyzeOperation(nested(13), { schema })).toMatchObject({
      ok: false,
      code: 'QUERY_TOO_DEEP',
      status: 400,
    });
  });

  it('counts depth through fragments', () => {
    const query = `{ product(id: "1") { ...A } }
      fragment A on Product { parent { ...B } }
      fragment B on Product { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } }`;
    expect(analyzeOperation(query, { schema })).toMatchObject({ code: 'QUERY_TOO_DEEP' });
  });

  it('rejects 31 aliases and accepts 30', () => {
    const aliases = (n: number) =>
      `{ product(id: "1") { ${Array.from({ length: n }, (_, i) => `a${i}: name`).join(' ')} } }`;
    expect(analyzeOperation(aliases(30), { schema })).toMatchObject({ ok: true });
    expect(analyzeOperation(aliases(31), { schema })).toMatchObject({ code: 'TOO_MANY_ALIASES' });
  });

  it('rejects a fragment bomb in milliseconds', () => {
    const fragments = [`fragment F0 on Product { id name }`];
    for (let i = 1; i <= 14; i += 1) {
      fragments.push(`fragment F${i} on Product { related { ...F${i - 1} } ...F${i - 1} }`);
    }
    const query = `{ product(id: "1") { ...F14 } } ${fragments.join('\n')}`;
    const started = performance.now();
    const result = analyzeOperation(query, { schema, maxDepth: 100 });
    expect(performance.now() - started).toBeLessThan(100);
    expect(result).toMatchObject({ ok: false, code: 'QUERY_TOO_COMPLEX' });
    // With the default depth limit the bomb is also too deep.
    expect(analyzeOperation(query, { schema }).ok).toBe(false);
  });

  it('is safe on fragment cycles', () => {
    const query = `{ product(id: "1") { ...A } }
      fragment A on Product { parent { ...B } } fragment B on Product { parent { ...A } }`;
    expect(analyzeOperation(query, { schema })).toMatchObject({ ok: true });
  });

  it('rejects documents over the token limit', () => {
    // `{`, n names, `}` = n + 2 tokens.
    const tokens = (n: number) => `{ ${Array.from({ length: n - 2 }, () => 'hello').join(' ')} }`;
    expect(
      analyzeOperation(tokens(5001), { maxRootFields: 10_000, maxSelections: 10_000 }),
    ).toMatchObject({
      ok: false,
      code: 'TOO_MANY_TOKENS',
      status: 400,
    });
    expect(
      analyzeOperation(tokens(5000), { maxRootFields: 10_000, maxSelections: 10_000 }),
    ).toMatchObject({ ok: true });
    expect(analyzeOperation('{ hello }')).toMatchObject({ ok: true });
  });

  it('multiplies cost by first arguments, literal or variable, and defaults to 10', () => {
    const query = `query($n: Int) { products(first: 50) { id related { id } } p2: products(first: $n) { id } }`;
    // 50 products × (id + related) = 100, related: 50 × 10 × id = 500, + root field 1 → 601;
    // p2: 1 + 7 × 1 = 8.
    expect(analyzeOperation(query, { schema, variables: { n: 7 } })).toEqual({
      ok: true,
      cost: 609,
    });
    const connection = `{ productConnection(first: 50) { edges { node { id name } } } }`;
    // 1 + edges 1 + 50 × (node 1 + 2 scalars) = 152
    expect(analyzeOperation(connection, { schema })).toEqual({ ok: true, cost: 152 });
    const costly = `{ products(first: 50) { related { related { related { id } } } } }`;
    expect(analyzeOperation(costly, { schema })).toMatchObject({
      ok: false,
      code: 'QUERY_TOO_COSTLY',
    });
  });

  it('rejects more than 20 root fields', () => {
    const root = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `h${i}: hello`).join(' ')} }`;
    expect(analyzeOperation(root(20), { schema })).toMatchObject({ ok: true });
    expect(analyzeOperation(root(21), { schema })).toMatchObject({ code: 'TOO_MANY_ROOT_FIELDS' });
  });

  it('rejects more than 50 directives', () => {
    const directives = (n: number) => `{ hello ${'@include(if: true) '.repeat(n)} }`;
    expect(analyzeOperation(directives(50), { schema })).toMatchObject({ ok: true });
    expect(analyzeOperation(directives(51), { schema })).toMatchObject({
      code: 'TOO_MANY_DIRECTIVES',
    });
  });
});

describe('rate limits', () => {
  it('allows N points per window, then 429 with retry-after, then resets', async () => {
    let now = 0;
    const limiter = createRateLimiter({
      points: 3,
      durationMs: 60_000,
      store: createMemoryStore({ now: () => now }),
    });
    for (let i = 0; i < 3; i += 1) expect((await limiter.consume('k')).ok).toBe(true);
    expect(await limiter.consume('k')).toEqual({ ok: false, remaining: 0, retryAfterSeconds: 60 });
    expect((await limiter.consume('other')).ok).toBe(true);
    now = 45_000;
    expect(await limiter.consume('k')).toMatchObject({ retryAfterSeconds: 15 });
    now = 60_000;
    expect((await limiter.consume('k')).ok).toBe(true);
  });

  it('falls back to memory when the store fails', async () => {
    const broken = {
      hit: () => Promise.reject(new Error('down')),
      reset: () => Promise.reject(new Error('down')),
    };
    const limiter = createRateLimiter({ points: 1, durationMs: 1000, store: broken });
    const silenced = setLogSink(() => {});
    try {
      expect((await limiter.consume('k')).ok).toBe(true);
      expect((await limiter.consume('k')).ok).toBe(false);
    } finally {
      setLogSink(silenced);
    }
  });

  it('counts new operations per IP in their own budget (default 30/min), apart from requests', async () => {
    const limits = createRequestLimits({ perIp: { points: 1_000, durationMs: 60_000 } });
    for (let i = 0; i < 30; i++) expect(await limits.checkNewOperation('a')).toEqual({ ok: true });
    expect(await limits.checkNewOperation('a')).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
    });
    expect(await limits.checkNewOperation('b')).toEqual({ ok: true });
    // The per-IP request budget is untouched by them.
    expect(await limits.checkRequestLimits({ ip: 'a' })).toEqual({ ok: true });
  });

  it('applies per-IP and per-user limits', async () => {
    const limits = createRequestLimits({
      perIp: { points: 2, durationMs: 60_000 },
      perUser: { points: 1, durationMs: 60_000 },
    });
    expect(await limits.checkRequestLimits({ ip: 'a', userId: 'u' })).toEqual({ ok: true });
    expect(await limits.checkRequestLimits({ ip: 'b', userId: 'u' })).toMatchObject({
      ok: false,
      status: 429,
      code: 'RATE_LIMITED',
    });
    expect(await limits.checkRequestLimits({ ip: 'a' })).toEqual({ ok: true });
    expect(await limits.checkRequestLimits({ ip: 'a' })).toMatchObject({ status: 429 });
  });

  it('counts each password field once per attempt: 11 for one email exceed a limit of 10', async () => {
    const limits = createRequestLimits();
    const attempts = (n: number, email: string) =>
      Array.from({ length: n }, () => ({ field: 'login', email, createsAccount: false }));
    expect(await limits.checkPasswordAttempts('1', attempts(11, 'a@x.io'))).toMatchObject({
      ok: false,
      status: 429,
      code: 'RATE_LIMITED',
    });
    // Another IP: 10 are fine, the 11th is not.
    expect(await limits.checkPasswordAttempts('2', attempts(10, 'a@x.io'))).toEqual({ ok: true });
    const result = await limits.checkPasswordAttempts('2', attempts(1, 'a@x.io'));
    expect(result).toMatchObject({ ok: false, status: 429 });
    if (!result.ok && result.status === 429) expect(result.retryAfterSeconds).toBe(900);
    // A different email, or another password field for the same email, has its own budget.
    expect(await limits.checkPasswordAttempts('2', attempts(1, 'b@x.io'))).toEqual({ ok: true });
    expect(
      await limits.checkPasswordAttempts('2', [
        { field: 'register', email: 'a@x.io', createsAccount: true },
      ]),
    ).toEqual({ ok: true });
    // A success resets only its own field + IP + email count.
    await limits.passwordAttemptSucceeded('2', 'login', 'b@x.io');
    expect(await limits.checkPasswordAttempts('2', attempts(1, 'a@x.io'))).toMatchObject({
      status: 429,
    });
    await limits.passwordAttemptSucceeded('2', 'login', 'a@x.io');
    expect(await limits.checkPasswordAttempts('2', attempts(1, 'a@x.io'))).toEqual({ ok: true });
  });

  it('keys an over-long email by its hash: still counted, never a huge key', async () => {
    const keys: string[] = [];
    const store = createMemoryStore();
    const limits = createRequestLimits({
      store: {
        hit: (key, points, windowMs) => (keys.push(key), store.hit(key, points, windowMs)),
        reset: (key) => store.reset(key),
      },
    });
    const email = `${'a'.repeat(1_000_000)}@x.io`;
    const attempt = [{ field: 'login', email, createsAccount: false }];
    for (let i = 0; i < 10; i += 1) {
      expect(await limits.checkPasswordAttempts('3', attempt)).toEqual({ ok: true });
    }
    expect(await limits.checkPasswordAttempts('3', attempt)).toMatchObject({ status: 429 });
    expect(Math.max(...keys.map((key) => key.length))).toBeLessThan(200);
  });

  it('answers repeats of a refused sign-in in checkRequestLimits, before Apollo', async () => {
    let asked = 0;
    const limits = createRequestLimits({
      loginPerIpEmail: { points: 2, durationMs: 60_000 },
      passwordAttemptsOf: () => {
        asked += 1;
        return [{ field: 'login', email: 'a@x.io', createsAccount: false }];
      },
    });
    const document = 'mutation { login(input: { email: "a@x.io", password: "p" }) }';
    const attempt = [{ field: 'login', email: 'a@x.io', createsAccount: false }];
    // Nothing refused yet: the document is not even inspected.
    expect(await limits.checkRequestLimits({ ip: '5', document })).toEqual({ ok: true });
    expect(asked).toBe(0);
    expect(await limits.checkPasswordAttempts('5', [...attempt, ...attempt])).toEqual({ ok: true });
    expect(await limits.checkPasswordAttempts('5', attempt)).toMatchObject({ status: 429 });
    expect(await limits.checkRequestLimits({ ip: '5', document })).toMatchObject({
      ok: false,
      status: 429,
      code: 'RATE_LIMITED',
    });
    // Another IP is not affected.
    expect(await limits.checkRequestLimits({ ip: '6', document })).toEqual({ ok: true });
  });

  it('bounds account creation per IP across emails', async () => {
    const limits = createRequestLimits({
      accountCreationPerIp: { points: 3, durationMs: 60_000 },
    });
    const register = (email: string) =>
      limits.checkPasswordAttempts('9', [{ field: 'register', email, createsAccount: true }]);
    for (const email of ['a@x.io', 'b@x.io', 'c@x.io']) {
      expect(await register(email)).toEqual({ ok: true });
    }
    expect(await register('d@x.io')).toMatchObject({ ok: false, status: 429 });
  });

  it('rejects too many tokens before counting', async () => {
    const limits = createRequestLimits({ maxTokens: 10 });
    expect(
      await limits.checkRequestLimits({ ip: '1', document: '{ a b c d e f g h i j k l }' }),
    ).toMatchObject({ ok: false, status: 400, code: 'TOO_MANY_TOKENS' });
  });
});

describe('createLimitsIntercept', () => {
  it('answers 429 with retry-after for a batch over the per-IP budget, else hands on', async () => {
    const written: { status?: number; headers: Record<string, string>; body?: string } = {
      headers: {},
    };
    const res = {
      setHeader: (name: string, value: string) => (written.headers[name] = value),
      writeHead: (status: number, headers: Record<string, string | number>) => {
        written.status = status;
        for (const [name, value] of Object.entries(headers)) written.headers[name] = String(value);
      },
      end: (body: string) => (written.body = body),
    } as unknown as ServerResponse;
    const req = { socket: { remoteAddress: '10.0.0.1' } } as unknown as IncomingMessage;
    let handedOn = 0;
    const intercept = createLimitsIntercept({
      limits: createRequestLimits({ perIp: { points: 5, durationMs: 60_000 } }),
      next: async () => {
        handedOn += 1;
        return false;
      },
    });
    const login = { query: 'mutation { login(input: { email: "a@x.io", password: "p" }) }' };
    expect(await intercept(req, res, login)).toBe(false);
    expect(handedOn).toBe(1);
    expect(
      await intercept(
        req,
        res,
        Array.from({ length: 10 }, () => login),
      ),
    ).toBe(true);
    expect(written.status).toBe(429);
    expect(written.headers['retry-after']).toBe('60');
    expect(JSON.parse(written.body ?? '{}').errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(handedOn).toBe(1);
  });
});

describe('Apollo Server plugins', () => {
  const start = async (production = true) => {
    const server = new ApolloServer({
      schema,
      formatError,
      plugins: [limitsPlugin(), hideSuggestionsPlugin({ production })],
    });
    await server.start();
    return server;
  };

  const post = async (server: ApolloServer, body: unknown) => {
    const headers = new HeaderMap([['content-type', 'application/json']]);
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body },
      context: async () => ({}),
    });
    const text = response.body.kind === 'complete' ? response.body.string : '';
    return { status: response.status ?? 200, json: JSON.parse(text) as Record<string, any> };
  };

  it('rejects over-limit operations with 400 and reports cost on every response', async () => {
    const server = await start();
    try {
      const ok = await post(server, { query: '{ products(first: 5) { id } }' });
      expect(ok.status).toBe(200);
      expect(ok.json.extensions).toEqual({ cost: { estimated: 6, limit: 10_000 } });

      const deep = await post(server, { query: nested(13) });
      expect(deep.status).toBe(400);
      expect(deep.json.errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
      expect(deep.json.data).toBeUndefined();
    } finally {
      await server.stop();
    }
  });

  it('keeps batching off: an array body is 400', async () => {
    const server = await start();
    try {
      const batch = await post(server, [{ query: '{ hello }' }, { query: '{ hello }' }]);
      expect(batch.status).toBe(400);
    } finally {
      await server.stop();
    }
  });

  it('strips field suggestions in production', async () => {
    const server = await start();
    try {
      const typo = await post(server, { query: '{ prodcts { id } }' });
      expect(typo.status).toBe(400);
      const message = typo.json.errors[0].message as string;
      expect(message).toContain('Cannot query field "prodcts"');
      expect(message).not.toContain('Did you mean');
    } finally {
      await server.stop();
    }
    const dev = await start(false);
    try {
      const typo = await post(dev, { query: '{ prodcts { id } }' });
      expect(typo.json.errors[0].message).toContain('Did you mean');
    } finally {
      await dev.stop();
    }
  });
});
