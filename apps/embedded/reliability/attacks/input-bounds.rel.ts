import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintInternalToken } from '@shop/auth';
import {
  percentile,
  raw,
  round,
  startAttackGraph,
  subgraphRequests,
  type AttackGraph,
  type RawResponse,
} from './support';

// Issue 15, findings 4, 6 (NUL) and 7 (two operations, a deep unused variable): input bounds at
// the gateway (gateway/src/limits/input-bounds.ts). Every hostile request here is refused with
// HTTP 400 and a code BEFORE any subgraph is called (the subgraphs' request counters do not
// move); before the fix they were served (a 900,000-character `nameContains` reached Postgres,
// NUL bytes gave a masked INTERNAL_SERVER_ERROR) or answered HTTP 500. The graph runs with the
// response cache, as `pnpm start` does (the 5,000-deep variable crashed its cache key).

const a = (n: number) => 'a'.repeat(n);

/**
 * Median time to refuse a 900,000-character argument, client and graph in one process (measured
 * 12–45 ms quiet, ~190 ms at load average 20; before the fix: ~0.7 s on Postgres, 2.2 s and a
 * SUBGRAPH_TIMEOUT on PGlite).
 */
const REFUSAL_P50_MS = 500;

let t: AttackGraph;

beforeAll(async () => {
  t = await startAttackGraph({ responseCache: true });
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  raw({
    url: t.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const get = (params: Record<string, string>) =>
  raw({
    url: `${t.url}?${new URLSearchParams(params).toString()}`,
    headers: { 'apollo-require-preflight': '1' },
  });

const firstError = (response: RawResponse) => response.json?.errors?.[0];

/** Runs `send` and asserts it was refused with 400 + `code` before any subgraph was called. */
async function expectRefused(
  label: string,
  send: () => Promise<RawResponse>,
  code: string,
  argumentPath?: string,
) {
  const before = await subgraphRequests(t.graph);
  const response = await send();
  const error = firstError(response);
  expect({ label, status: response.status, code: error?.extensions?.code }).toEqual({
    label,
    status: 400,
    code,
  });
  if (argumentPath !== undefined) {
    expect({ label, argumentPath: error?.extensions?.argumentPath }).toEqual({
      label,
      argumentPath,
    });
  }
  expect({ label, text: response.text }).not.toMatchObject({
    text: expect.stringMatching(/\bat \S+:\d+/),
  });
  expect({ label, subgraphRequests: (await subgraphRequests(t.graph)) - before }).toEqual({
    label,
    subgraphRequests: 0,
  });
  return response;
}

const NAME_FILTER =
  'query($q: String) { products(first: 2, filter: { nameContains: $q }) { totalCount } }';

describe('input bounds at the gateway (issue 15: findings 4, 6, 7)', () => {
  it('finding 4: 900,000 × "a" in nameContains → 400 BAD_USER_INPUT naming $q, 0 subgraph requests', async () => {
    const latencies: number[] = [];
    const before = await subgraphRequests(t.graph);
    for (let i = 0; i < 10; i += 1) {
      const response = await post({ query: NAME_FILTER, variables: { q: a(900_000) } });
      expect([response.status, firstError(response)?.extensions]).toEqual([
        400,
        { code: 'BAD_USER_INPUT', argumentPath: '$q' },
      ]);
      latencies.push(response.ms);
    }
    expect((await subgraphRequests(t.graph)) - before).toBe(0);
    const p50 = percentile(latencies, 50);
    console.log(
      `[input-bounds] 900k refusal p50 ${round(p50)} ms (body transfer and JSON included)`,
    );
    expect(p50).toBeLessThan(REFUSAL_P50_MS);
    // The bound itself (100 characters) still serves the query.
    const atBound = await post({ query: NAME_FILTER, variables: { q: a(100) } });
    expect(atBound.status).toBe(200);
    expect(atBound.json?.data).toEqual({ products: { totalCount: 0 } });
  }, 60_000);

  it('finding 4: an over-long string is refused however it is passed (literal, variable, default, nested input, list, fragment, alias, second operation, GET)', async () => {
    const search = (n: number) => `searchProducts(query: "${a(n)}") { totalCount }`;
    const cases: Array<[label: string, body: Record<string, unknown>, path: string]> = [
      [
        'literal',
        { query: `{ products(first: 2, filter: { nameContains: "${a(101)}" }) { totalCount } }` },
        'products.filter.nameContains',
      ],
      ['variable', { query: NAME_FILTER, variables: { q: a(101) } }, '$q'],
      [
        'variable default',
        {
          query: `query($q: String = "${a(101)}") { products(first: 2, filter: { nameContains: $q }) { totalCount } }`,
        },
        '$q',
      ],
      [
        'nested input variable',
        {
          query: 'query($f: ProductFilter) { products(first: 2, filter: $f) { totalCount } }',
          variables: { f: { nameContains: a(101) } },
        },
        '$f.nameContains',
      ],
      [
        'list item',
        {
          query:
            'query($v: [String!]!) { searchProducts(filter: { attributes: [{ name: "color", values: $v }] }) { totalCount } }',
          variables: { v: ['Black', a(101)] },
        },
        '$v[1]',
      ],
      [
        'fragment',
        {
          query: `query($q: String) { ...F } fragment F on Query { searchProducts(query: $q) { totalCount } }`,
          variables: { q: a(101) },
        },
        '$q',
      ],
      ['alias', { query: `{ found: ${search(101)} }` }, 'found.query'],
      [
        'second operation',
        {
          query: `query A { __typename } query B($slug: String) { product(slug: $slug) { id } }`,
          operationName: 'B',
          variables: { slug: a(1_001) },
        },
        '$slug',
      ],
      [
        'literal in the operation that does not run',
        { query: `query A { ${search(101)} } query B { __typename }`, operationName: 'B' },
        'searchProducts.query',
      ],
      [
        'ID default bound (255)',
        { query: 'query($id: ID) { product(id: $id) { id } }', variables: { id: a(256) } },
        '$id',
      ],
      [
        'register name (String default bound, 1,000)',
        {
          query: 'mutation($i: RegisterInput!) { register(input: $i) { userErrors { code } } }',
          variables: { i: { email: 'long@x.io', password: 'Long-Pass-1234', name: a(1_001) } },
        },
        '$i.name',
      ],
    ];
    for (const [label, body, path] of cases) {
      await expectRefused(label, () => post(body), 'BAD_USER_INPUT', path);
    }
    await expectRefused(
      'GET variable',
      () => get({ query: NAME_FILTER, variables: JSON.stringify({ q: a(101) }) }),
      'BAD_USER_INPUT',
      '$q',
    );
    // No over-blocking: the same shapes at their bounds are served.
    const served = await post({
      query: `query A { __typename } query B($q: String) { ...F x: ${search(100)} }
        fragment F on Query { products(first: 1, filter: { nameContains: $q }) { totalCount } }`,
      operationName: 'B',
      variables: { q: a(100) },
    });
    expect(served.status).toBe(200);
    expect(served.json?.errors).toBeUndefined();
  }, 60_000);

  it('finding 6: NUL (and unpaired surrogates) in register and other string arguments → 400 BAD_USER_INPUT at the gateway; straight to the subgraph → BAD_USER_INPUT, not INTERNAL_SERVER_ERROR', async () => {
    const register = (name: string) =>
      `mutation { register(input: { email: "nul-${Date.now()}@x.io", password: "Nul-Pass-1234", name: "${name}" }) { userErrors { code } } }`;
    await expectRefused(
      'register literal name',
      () => post({ query: register('Nu\\u0000ll') }),
      'BAD_USER_INPUT',
      'register.input.name',
    );
    const variableCases: Array<
      [label: string, query: string, variables: Record<string, unknown>, path: string]
    > = [
      [
        'register email',
        'mutation($i: RegisterInput!) { register(input: $i) { userErrors { code } } }',
        { i: { email: 'n\u0000@x.io', password: 'Nul-Pass-1234', name: 'Nul' } },
        '$i.email',
      ],
      [
        'register password',
        'mutation($i: RegisterInput!) { register(input: $i) { userErrors { code } } }',
        { i: { email: 'n@x.io', password: 'Nul-Pass-1234\u0000', name: 'Nul' } },
        '$i.password',
      ],
      [
        'login email',
        'mutation($i: LoginInput!) { login(input: $i) { accessToken } }',
        { i: { email: 'customer@shopgraph.dev\u0000', password: 'x' } },
        '$i.email',
      ],
      ['nameContains', NAME_FILTER, { q: 'i\u0000phone' }, '$q'],
      [
        'search query',
        'query($q: String) { searchProducts(query: $q) { totalCount } }',
        { q: 'phone\u0000' },
        '$q',
      ],
      ['product slug', 'query($s: String) { product(slug: $s) { id } }', { s: '\u0000' }, '$s'],
      ['category slug', 'query($s: String) { category(slug: $s) { id } }', { s: 'x\uD800' }, '$s'],
      ['cart token', 'query($c: String) { cart(cartToken: $c) { id } }', { c: 'x\u0000y' }, '$c'],
      [
        'unused variable',
        '{ __typename }',
        { unused: { deep: ['ok', 'x\uDFFF'] } },
        '$unused.deep[1]',
      ],
    ];
    for (const [label, query, variables, path] of variableCases) {
      await expectRefused(label, () => post({ query, variables }), 'BAD_USER_INPUT', path);
    }
    await expectRefused(
      'GET NUL',
      () =>
        get({
          query: 'query($s: String) { product(slug: $s) { id } }',
          variables: '{"s":"\\u0000"}',
        }),
      'BAD_USER_INPUT',
      '$s',
    );

    // Defense in depth: the user subgraph itself, called with a valid internal token, answers
    // the database's refusal with BAD_USER_INPUT (it was a masked INTERNAL_SERVER_ERROR).
    const token = await mintInternalToken(t.graph.gatewayKey, 'user', null);
    const direct = await raw({
      url: new URL('/graphql', t.graph.subgraphs.user!.url).toString(),
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: register('Nu\\u0000ll') }),
    });
    expect(direct.status).toBe(200);
    expect(firstError(direct)?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(direct.text).not.toContain('argon2');
  }, 60_000);

  it('finding 7: an unused variable nested 5,000 deep → 400 VARIABLES_TOO_DEEP (was 500)', async () => {
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    for (const query of ['{ products(first: 1) { totalCount } }', '{ __typename }']) {
      await expectRefused(
        `5,000 deep, ${query}`,
        () => post(`{"query":${JSON.stringify(query)},"variables":{"unused":${deep}}}`),
        'VARIABLES_TOO_DEEP',
      );
    }
    await expectRefused(
      '5,000-deep list',
      () =>
        post(
          `{"query":"{ __typename }","variables":{"x":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`,
        ),
      'VARIABLES_TOO_DEEP',
    );
    await expectRefused(
      'GET 1,000 deep',
      () =>
        get({
          query: '{ products(first: 1) { totalCount } }',
          variables: `{"x":${'['.repeat(1_000)}${']'.repeat(1_000)}}`,
        }),
      'VARIABLES_TOO_DEEP',
    );
  }, 60_000);

  it('finding 7: two operations without operationName, an unknown operationName and other hostile requests → 400 with a code on POST and GET, never 500', async () => {
    const two = 'query A { products(first: 1) { totalCount } } query B { __typename }';
    await expectRefused(
      'POST two operations',
      () => post({ query: two }),
      'OPERATION_RESOLUTION_FAILURE',
    );
    await expectRefused(
      'GET two operations',
      () => get({ query: two }),
      'OPERATION_RESOLUTION_FAILURE',
    );
    await expectRefused(
      'POST unknown operationName',
      () => post({ query: two, operationName: 'C' }),
      'OPERATION_RESOLUTION_FAILURE',
    );
    await expectRefused(
      'GET unknown operationName',
      () => get({ query: two, operationName: 'C' }),
      'OPERATION_RESOLUTION_FAILURE',
    );
    await expectRefused(
      'two mutations, no operationName',
      () =>
        post({
          query:
            'mutation A { logout(input: { refreshToken: "x" }) { success } } mutation B { logout(input: { refreshToken: "y" }) { success } }',
        }),
      'OPERATION_RESOLUTION_FAILURE',
    );
    const hostile: Array<[string, () => Promise<RawResponse>]> = [
      ['variables an array', () => post({ query: '{ __typename }', variables: [1] })],
      ['variables a string', () => post({ query: '{ __typename }', variables: '{"a":1}' })],
      ['variables a number', () => post({ query: '{ __typename }', variables: 5 })],
      ['operationName a number', () => post({ query: '{ __typename }', operationName: 5 })],
      ['operationName an object', () => post({ query: two, operationName: { A: 1 } })],
      ['extensions a number', () => post({ query: '{ __typename }', extensions: 5 })],
      [
        'extensions.persistedQuery garbage',
        () => post({ query: '{ __typename }', extensions: { persistedQuery: { version: 'x' } } }),
      ],
      ['GET variables an array', () => get({ query: '{ __typename }', variables: '[1]' })],
      ['GET variables not JSON', () => get({ query: '{ __typename }', variables: '{' })],
      [
        'GET operationName twice',
        () =>
          raw({
            url: `${t.url}?query=${encodeURIComponent(two)}&operationName=A&operationName=B`,
            headers: { 'apollo-require-preflight': '1' },
          }),
      ],
    ];
    for (const [label, send] of hostile) {
      const before = await subgraphRequests(t.graph);
      const response = await send();
      const code = firstError(response)?.extensions?.code;
      expect({ label, status: response.status, coded: typeof code === 'string' }).toEqual({
        label,
        status: 400,
        coded: true,
      });
      expect((await subgraphRequests(t.graph)) - before).toBe(0);
    }
    // With the name, the same document runs.
    const chosen = await post({ query: two, operationName: 'A' });
    expect(chosen.status).toBe(200);
    expect(chosen.json?.data).toMatchObject({ products: { totalCount: expect.any(Number) } });
  }, 60_000);
});
