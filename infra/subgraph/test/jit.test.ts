import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, mintInternalToken, type Identity, type SigningKey } from '@shop/auth';
import {
  createSubgraph,
  DateTimeScalar,
  type BaseSubgraphContext,
  type RunningSubgraph,
} from '../src/index';

// The CommonJS graphql that @apollo/subgraph builds its schema with (see jit.ts).
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

const SDL = `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])
  @link(url: "https://shopgraph.dev/auth/v1.0", import: ["@auth"])
  @composeDirective(name: "@auth")

directive @auth(requires: [String!]! = ["AUTHENTICATED"]) on FIELD_DEFINITION | OBJECT

scalar DateTime

enum Status { OPEN CLOSED }

interface Named { name: String! }

type Query {
  orders(first: Int = 2): [Order!]!
  order(id: ID!): Order
  named: [Named!]!
  boom: String
  denied: String @auth(requires: ["ADMIN"])
  strict: Order!
}

type Mutation { touch(id: ID!): Order }

type Order @key(fields: "id") {
  id: ID!
  status: Status!
  createdAt: DateTime!
  lines: [Line!]!
  total: Int!
  customer: User
}

type Line { sku: String!  quantity: Int! }

type User @key(fields: "id") { id: ID! }

type Shop implements Named { name: String!  url: String }
type Brand implements Named { name: String!  country: String }
`;

const order = (id: string) => ({
  id,
  status: id === 'o-2' ? 'CLOSED' : 'OPEN',
  createdAt: new Date(Date.UTC(2026, 0, Number(id.slice(2)))),
  lines: [
    { sku: `${id}-a`, quantity: 1 },
    { sku: `${id}-b`, quantity: 2 },
  ],
  total: 100 * Number(id.slice(2)),
  userId: `u-${id}`,
});

const resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    orders: (_: unknown, args: { first: number }) =>
      Array.from({ length: args.first }, (_v, i) => order(`o-${i + 1}`)),
    order: async (_: unknown, args: { id: string }) =>
      args.id === 'missing' ? null : order(args.id),
    named: () => [
      { __typename: 'Shop', name: 'Corner', url: 'https://corner.example' },
      { __typename: 'Brand', name: 'Acme', country: 'NL' },
    ],
    boom: () => {
      throw new Error('secret database detail');
    },
    denied: () => 'never',
    // A non-null field resolving to null: the error nulls the nearest nullable parent (data).
    strict: () => null,
  },
  Mutation: { touch: (_: unknown, args: { id: string }) => order(args.id) },
  Order: {
    __resolveReference: async (reference: { id: string }) =>
      reference.id === 'missing' ? null : order(reference.id),
    customer: (parent: { userId: string }) => ({ id: parent.userId }),
  },
  Named: { __resolveType: (value: { __typename: string }) => value.__typename },
};

/** Queries the gateway could send, and a few it would not; each answered by both executors. */
const CASES: Array<{ name: string; query: string; variables?: Record<string, unknown> }> = [
  {
    name: 'root list with nested lists, enum, custom scalar, argument default',
    query: '{ orders { id status createdAt total lines { sku quantity } customer { id } } }',
  },
  {
    name: 'variables and aliases',
    query:
      'query Q($n: Int, $id: ID!) { a: orders(first: $n) { id } b: order(id: $id) { id status } }',
    variables: { n: 3, id: 'o-2' },
  },
  {
    name: '_entities with representations (as the gateway sends them)',
    query:
      'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Order { id status total lines { sku } } } }',
    variables: {
      representations: [
        { __typename: 'Order', id: 'o-1' },
        { __typename: 'Order', id: 'missing' },
        { __typename: 'Order', id: 'o-3' },
      ],
    },
  },
  {
    name: 'representations literal with a nested variable (graphql-js fallback)',
    query:
      'query($id: ID!) { _entities(representations: [{ __typename: "Order", id: $id }]) { ... on Order { id } } }',
    variables: { id: 'o-4' },
  },
  {
    name: 'abstract type with fragments and __typename',
    query: '{ named { __typename name ... on Shop { url } ... on Brand { country } } }',
  },
  {
    name: 'resolver error is masked, siblings still resolve',
    query: '{ boom orders(first: 1) { id } }',
  },
  { name: '@auth refusal', query: '{ denied orders(first: 1) { id } }' },
  { name: 'non-null violation nulls data', query: '{ strict { id } }' },
  {
    name: 'skip and include',
    query:
      'query($s: Boolean!) { orders(first: 1) { id status @skip(if: $s) total @include(if: $s) } }',
    variables: { s: true },
  },
  { name: 'mutation (graphql-js)', query: 'mutation { touch(id: "o-5") { id status } }' },
  {
    name: 'introspection (graphql-js)',
    query: '{ __type(name: "Status") { enumValues { name } } }',
  },
  { name: 'federation _service (sdl)', query: '{ _service { sdl } }' },
];

describe('graphql-jit executor', () => {
  let key: SigningKey;
  let jit: RunningSubgraph;
  let interpreted: RunningSubgraph;
  beforeAll(async () => {
    key = await loadSigningKey();
    const start = (executor: 'jit' | 'graphql-js') =>
      createSubgraph<BaseSubgraphContext>({
        name: 'jit',
        typeDefs: graphql.parse(SDL),
        resolvers,
        gatewayKeys: [key],
        context: (base) => base,
        host: '127.0.0.1',
        executor,
      });
    [jit, interpreted] = await Promise.all([start('jit'), start('graphql-js')]);
  });
  afterAll(async () => {
    await Promise.all([jit?.stop(), interpreted?.stop()]);
  });

  const customer: Identity = { userId: 'u-1', roles: ['CUSTOMER'] };
  const call = async (
    subgraph: RunningSubgraph,
    body: { query: string; variables?: Record<string, unknown> },
  ) => {
    const response = await fetch(new URL('/graphql', subgraph.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await mintInternalToken(key, 'jit', customer)}`,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  for (const testCase of CASES) {
    it(`should answer exactly like graphql-js: ${testCase.name}`, async () => {
      const body = { query: testCase.query, variables: testCase.variables ?? {} };
      // Twice through the JIT: the second answer comes from the cached compiled query.
      const [a, b, expected] = [
        await call(jit, body),
        await call(jit, body),
        await call(interpreted, body),
      ];
      expect(a).toEqual(expected);
      expect(b).toEqual(expected);
      expect(expected.status).toBe(200);
    });
  }

  it('should return real data and masked errors (the comparison is not between two empty answers)', async () => {
    const { body } = await call(jit, { query: CASES[0]!.query });
    expect(body.data).toMatchObject({
      orders: [
        { id: 'o-1', status: 'OPEN', createdAt: '2026-01-01T00:00:00.000Z', total: 100 },
        { id: 'o-2', status: 'CLOSED', lines: [{ sku: 'o-2-a' }, { sku: 'o-2-b' }] },
      ],
    });
    const boom = await call(jit, { query: '{ boom }' });
    expect(boom.body).toEqual({
      data: { boom: null },
      errors: [
        {
          message: 'Internal server error',
          path: ['boom'],
          locations: [{ line: 1, column: 3 }],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    });
  });
});
