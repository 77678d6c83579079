import { createRequire } from 'node:module';
import { Supergraph } from '@apollo/federation-internals';
import { ApolloServer, HeaderMap } from '@apollo/server';
import type * as GraphQL from 'graphql';
import { describe, expect, it } from 'vitest';
import { readCommittedSupergraph } from '@shop/schema';
import {
  checkInput,
  checkVariablesShape,
  type CompiledInputCheck,
  DEFAULT_INPUT_LIMITS,
  inputBoundsPlugin,
  isInvalidText,
  readMaxLengths,
  SupergraphInputBounds,
} from '../src/limits';

// The CommonJS graphql Apollo Server uses (see src/limits/graphql.ts).
const { buildSchema, parse } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

const sdl = readCommittedSupergraph();
const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
const bounds = new SupergraphInputBounds(sdl).current;

/** The gateway's whole check of one request against the committed supergraph. */
const check = (
  query: string,
  variables?: Record<string, unknown>,
  operationName?: string,
  cached?: (compile: () => CompiledInputCheck) => CompiledInputCheck,
) =>
  checkInput({
    schema,
    document: parse(query),
    operationName,
    variables,
    bounds,
    ...(cached ? { cached } : {}),
  });

const a = (n: number) => 'a'.repeat(n);
const NAME_FILTER =
  'query($q: String) { products(first: 2, filter: { nameContains: $q }) { totalCount } }';

describe('@maxLength in the committed supergraph', () => {
  it('carries the bounds the product subgraph declares', () => {
    expect(bounds.get('ProductFilter.nameContains')).toBe(100);
    expect(bounds.get('Query.searchProducts(query)')).toBe(100);
    expect(bounds.get('AttributeFilterInput.values')).toBe(100);
    expect(bounds.get('CreateProductInput.description')).toBe(10_000);
    // Everything else has the defaults.
    expect(bounds.get('RegisterInput.name')).toBeUndefined();
    expect(DEFAULT_INPUT_LIMITS).toMatchObject({ maxStringLength: 1_000, maxIdLength: 255 });
  });

  it('follows an aliased import and refuses a bound that is not a non-negative Int', () => {
    const link = (max: string) =>
      parse(`extend schema @link(url: "https://shopgraph.dev/input/v1.0", import: [{ name: "@maxLength", as: "@len" }])
        input F { q: String @len(max: ${max}) r: String @maxLength(max: 1) }
        type Query { f(x: String @len(max: 7)): String }`);
    expect([...readMaxLengths(link('3'))]).toEqual([
      ['F.q', 3],
      ['Query.f(x)', 7],
    ]);
    expect(() => readMaxLengths(link('-1'))).toThrow(/non-negative Int/);
    expect(() => readMaxLengths(link('"3"'))).toThrow(/non-negative Int/);
  });
});

describe('string lengths, every way of passing one', () => {
  it('a literal: at the bound passes, one over is refused naming the path', () => {
    const query = (n: number) =>
      `{ products(first: 2, filter: { nameContains: "${a(n)}" }) { totalCount } }`;
    expect(check(query(100))).toBeUndefined();
    expect(check(query(101))).toEqual({
      code: 'BAD_USER_INPUT',
      message: '"products.filter.nameContains" is longer than 100 characters',
      argumentPath: 'products.filter.nameContains',
    });
  });

  it('a variable, a variable default and 900,000 characters', () => {
    expect(check(NAME_FILTER, { q: a(100) })).toBeUndefined();
    expect(check(NAME_FILTER, { q: a(101) })).toMatchObject({ argumentPath: '$q' });
    // Over the variables' size bound too: the argument is named first.
    expect(check(NAME_FILTER, { q: a(900_000) })).toMatchObject({
      code: 'BAD_USER_INPUT',
      argumentPath: '$q',
    });
    const withDefault = (n: number) =>
      `query($q: String = "${a(n)}") { products(first: 2, filter: { nameContains: $q }) { totalCount } }`;
    expect(check(withDefault(100))).toBeUndefined();
    expect(check(withDefault(101))).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: '$q' });
    // A given value replaces the default, but the default is still checked (it is a literal).
    expect(check(withDefault(101), { q: 'ok' })).toMatchObject({ argumentPath: '$q' });
  });

  it('a nested input object, given whole as a variable', () => {
    const query = 'query($f: ProductFilter) { products(first: 2, filter: $f) { totalCount } }';
    expect(check(query, { f: { nameContains: a(100), categoryId: a(255) } })).toBeUndefined();
    expect(check(query, { f: { nameContains: a(101) } })).toMatchObject({
      argumentPath: '$f.nameContains',
    });
    expect(check(query, { f: { categoryId: a(256) } })).toMatchObject({
      message: '"$f.categoryId" is longer than 255 characters',
    });
    // Keys the type does not have are left to GraphQL's own coercion error.
    expect(check(query, { f: { unknown: a(5_000) } })).toBeUndefined();
  });

  it('lists: literal items, variable items, a list variable and a single value coerced to a list', () => {
    const literal = (n: number) =>
      `{ searchProducts(filter: { attributes: [{ name: "color", values: ["x", "${a(n)}"] }] }) { totalCount } }`;
    expect(check(literal(100))).toBeUndefined();
    expect(check(literal(101))).toMatchObject({
      argumentPath: 'searchProducts.filter.attributes[0].values[1]',
    });
    const item =
      'query($v: String!) { searchProducts(filter: { attributes: [{ name: "c", values: ["x", $v] }] }) { totalCount } }';
    expect(check(item, { v: a(101) })).toMatchObject({ argumentPath: '$v' });
    const list =
      'query($v: [String!]!) { searchProducts(filter: { attributes: [{ name: "c", values: $v }] }) { totalCount } }';
    expect(check(list, { v: ['x', a(100)] })).toBeUndefined();
    expect(check(list, { v: ['x', a(101)] })).toMatchObject({ argumentPath: '$v[1]' });
    expect(check(list, { v: a(101) })).toMatchObject({ argumentPath: '$v' });
    const ids =
      'query($ids: [ID!]) { searchProducts(filter: { categoryIds: $ids }) { totalCount } }';
    expect(check(ids, { ids: ['1', a(256)] })).toMatchObject({ argumentPath: '$ids[1]' });
  });

  it('fragments (named and inline) and aliases', () => {
    const named = `query($q: String) { ...F }
      fragment F on Query { found: searchProducts(query: $q) { totalCount } }`;
    expect(check(named, { q: a(100) })).toBeUndefined();
    expect(check(named, { q: a(101) })).toMatchObject({ argumentPath: '$q' });
    const literalInFragment = `{ ...F } fragment F on Query { x: searchProducts(query: "${a(101)}") { totalCount } }`;
    expect(check(literalInFragment)).toMatchObject({ argumentPath: 'x.query' });
    const inline = `query($q: String) { ... on Query { searchProducts(query: $q) { totalCount } } }`;
    expect(check(inline, { q: a(101) })).toMatchObject({ argumentPath: '$q' });
    const nestedField = `{ me { orders(first: 1, after: "${a(1_001)}") { totalCount } } }`;
    expect(check(nestedField)).toMatchObject({ argumentPath: 'orders.after' });
  });

  it('every operation of the document, and the bound of each position a variable is used in', () => {
    const twoOperations = (
      n: number,
    ) => `query A { searchProducts(query: "${a(n)}") { totalCount } }
      query B($id: ID!) { product(id: $id) { id } }`;
    expect(check(twoOperations(100), { id: a(255) }, 'B')).toBeUndefined();
    expect(check(twoOperations(100), { id: a(256) }, 'B')).toMatchObject({ argumentPath: '$id' });
    // A literal of the operation that does not run is still refused.
    expect(check(twoOperations(101), { id: '1' }, 'B')).toMatchObject({
      argumentPath: 'searchProducts.query',
    });
    // `$q` feeds a 1,000-character position and a 100-character one: the smaller bound holds.
    const both = `query($q: String) { cart(cartToken: $q) { id } searchProducts(query: $q) { totalCount } }`;
    expect(check(both, { q: a(101) })).toMatchObject({ argumentPath: '$q' });
    // The same variable name in another operation does not borrow its bound.
    const other = `query A($q: String) { searchProducts(query: $q) { totalCount } }
      query B($q: String) { cart(cartToken: $q) { id } }`;
    expect(check(other, { q: a(500) }, 'B')).toBeUndefined();
    expect(check(other, { q: a(500) }, 'A')).toMatchObject({ argumentPath: '$q' });
  });

  it('defaults: 1,000 for a String, 255 for an ID, also for ID numbers and unknown places', () => {
    const register = (name: string) =>
      `mutation { register(input: { email: "a@b.io", password: "Long-Pass-1234", name: "${name}" }) { __typename } }`;
    expect(check(register(a(1_000)))).toBeUndefined();
    expect(check(register(a(1_001)))).toMatchObject({ argumentPath: 'register.input.name' });
    // A custom scalar given as a string (DateTime) has the String bound.
    const range = 'query($r: TimeRangeInput!) { salesSummary(range: $r) { orders } }';
    expect(check(range, { r: { from: a(1_001), to: '2026-01-02T00:00:00.000Z' } })).toMatchObject({
      argumentPath: '$r.from',
    });
    const product = 'query($id: ID) { product(id: $id) { id } }';
    expect(check(product, { id: 12345 })).toBeUndefined();
    expect(check(`{ __type(name: "${a(1_001)}") { name } }`)).toMatchObject({
      argumentPath: '__type.name',
    });
  });
});

describe('invalid text', () => {
  it('NUL and unpaired surrogates are invalid; pairs and U+FFFD are text', () => {
    expect(isInvalidText('Nu\u0000ll')).toBe(true);
    expect(isInvalidText('a\uD800b')).toBe(true);
    expect(isInvalidText('a\uDC00')).toBe(true);
    expect(isInvalidText('\uDC00\uD800')).toBe(true);
    expect(isInvalidText('snow ☃ 🛒 \uFFFD')).toBe(false);
  });

  it('is refused in literals (escapes included), variables, unused variables and keys', () => {
    const register = `mutation { register(input: { email: "n@x.io", password: "Nul-Pass-1234", name: "Nu\\u0000ll" }) { __typename } }`;
    expect(check(register)).toMatchObject({
      code: 'BAD_USER_INPUT',
      argumentPath: 'register.input.name',
    });
    // The GraphQL lexer itself refuses a surrogate half in a literal (400 GRAPHQL_PARSE_FAILED).
    expect(() => parse('{ product(slug: "\\uD800") { id } }')).toThrow(/Invalid Unicode/);
    const login = 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }';
    expect(check(login, { i: { email: 'x@y.io\u0000', password: 'p' } })).toMatchObject({
      argumentPath: '$i.email',
    });
    expect(check('{ __typename }', { unused: ['ok', { deep: 'a\uDFFF' }] })).toMatchObject({
      argumentPath: '$unused[1].deep',
    });
    expect(check('{ __typename }', { ['k\u0000']: 1 })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(check(NAME_FILTER, { q: 'iPhone 🛒' })).toBeUndefined();
  });
});

describe("variables' size and depth", () => {
  const nested = (levels: number) => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i += 1) value = i % 2 ? [value] : { a: value };
    return value;
  };

  it('bounds nesting (32 levels pass, 33 do not) and an unused variable 5,000 deep', () => {
    expect(checkVariablesShape({ x: nested(32) })).toBeUndefined();
    expect(checkVariablesShape({ x: nested(33) })).toMatchObject({ code: 'VARIABLES_TOO_DEEP' });
    const deep = JSON.parse(`{"x":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`) as Record<
      string,
      unknown
    >;
    const started = performance.now();
    expect(check('{ __typename }', deep)).toMatchObject({ code: 'VARIABLES_TOO_DEEP' });
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('bounds the JSON size, whatever the operation uses', () => {
    const limit = DEFAULT_INPUT_LIMITS.maxVariablesBytes;
    expect(check('{ __typename }', { x: a(limit - 100) })).toBeUndefined();
    expect(check('{ __typename }', { x: a(limit) })).toMatchObject({
      code: 'VARIABLES_TOO_LARGE',
    });
    const many = Array.from({ length: 200_000 }, (_, i) => i);
    expect(check('{ __typename }', { many })).toMatchObject({ code: 'VARIABLES_TOO_LARGE' });
    expect(checkVariablesShape(undefined)).toBeUndefined();
  });
});

describe('cost', () => {
  it('compiles the document once; each request then walks only its variables', () => {
    let compiles = 0;
    let stored: CompiledInputCheck | undefined;
    const cached = (compile: () => CompiledInputCheck) => {
      if (!stored) {
        compiles += 1;
        stored = compile();
      }
      return stored;
    };
    // One parsed document, as Apollo Server keeps per query text.
    const document = parse(NAME_FILTER);
    const refusals: unknown[] = [];
    const started = performance.now();
    for (let i = 0; i < 10_000; i += 1) {
      const variables = { q: `iphone ${i}` };
      refusals.push(
        checkInput({ schema, document, operationName: undefined, variables, bounds, cached }),
      );
    }
    const elapsedMs = performance.now() - started;
    expect(refusals.every((refusal) => refusal === undefined)).toBe(true);
    expect(compiles).toBe(1);
    // 10,000 requests in well under a second (measured ~15 ms quiet): not a hot spot.
    expect(elapsedMs).toBeLessThan(1_000);
    // And the compiled plan still refuses what it must.
    expect(
      checkInput({
        schema,
        document,
        operationName: undefined,
        variables: { q: a(101) },
        bounds,
        cached,
      }),
    ).toMatchObject({ argumentPath: '$q' });
  });
});

describe('inputBoundsPlugin in Apollo Server', () => {
  const bounded = `
    extend schema @link(url: "https://shopgraph.dev/input/v1.0", import: ["@maxLength"])
    directive @link(url: String!, import: [String]) repeatable on SCHEMA
    directive @maxLength(max: Int!) on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
    type Query { hello(name: String @maxLength(max: 5)): String }`;
  const start = async () => {
    const server = new ApolloServer({
      schema: buildSchema(bounded),
      plugins: [inputBoundsPlugin(new SupergraphInputBounds(bounded))],
      rootValue: { hello: ({ name }: { name?: string }) => `hello ${name ?? ''}` },
    });
    await server.start();
    return server;
  };
  const send = async (server: ApolloServer, body: Record<string, unknown>, method = 'POST') => {
    const headers = new HeaderMap([
      ['content-type', 'application/json'],
      ['apollo-require-preflight', '1'],
    ]);
    const search =
      method === 'GET'
        ? new URLSearchParams(
            Object.entries(body).map(([k, v]): [string, string] => [
              k,
              typeof v === 'string' ? v : JSON.stringify(v),
            ]),
          ).toString()
        : '';
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search, body: method === 'POST' ? body : undefined },
      context: async () => ({}),
    });
    const text = response.body.kind === 'complete' ? response.body.string : '';
    return { status: response.status ?? 200, json: JSON.parse(text) as Record<string, any> };
  };

  it('refuses with 400 and a code on POST and GET, and serves what is within bounds', async () => {
    const server = await start();
    try {
      for (const method of ['POST', 'GET']) {
        const two = await send(server, { query: 'query A { hello } query B { hello }' }, method);
        expect(two.status).toBe(400);
        expect(two.json.errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
        const unknown = await send(server, { query: '{ hello }', operationName: 'Z' }, method);
        expect(unknown.status).toBe(400);
        expect(unknown.json.errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
        const long = await send(
          server,
          { query: 'query($n: String) { hello(name: $n) }', variables: { n: 'abcdef' } },
          method,
        );
        expect(long.status).toBe(400);
        expect(long.json.errors[0].extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          argumentPath: '$n',
        });
        const ok = await send(
          server,
          {
            query: 'query B($n: String) { hello(name: $n) } query A { hello }',
            operationName: 'B',
            variables: { n: 'abcde' },
          },
          method,
        );
        expect(ok.status).toBe(200);
        expect(ok.json.data).toEqual({ hello: 'hello abcde' });
      }
    } finally {
      await server.stop();
    }
  });
});
