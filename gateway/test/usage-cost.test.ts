import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import { describe, expect, it } from 'vitest';
import { estimateCost } from '../src/usage';

// The CommonJS graphql build, the one the gateway's schemas come from (see usage/cost.ts).
const { buildSchema, parse } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

const schema = buildSchema(`
  type Query {
    me: User
    user(id: ID!): User
    users(limit: Int): [User!]!
    products(first: Int, after: String): ProductConnection!
    search(text: String!): [SearchResult!]!
    node(id: ID!): Node
  }
  type Mutation { rename(name: String!): User }
  interface Node { id: ID! }
  type User implements Node { id: ID! name: String! friends: [User!]! tags: [String!]! }
  type Product implements Node { id: ID! title: String! }
  type ProductConnection { edges: [ProductEdge!]! totalCount: Int! }
  type ProductEdge { cursor: String! node: Product! }
  union SearchResult = User | Product
`);

const cases: Array<{
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  cost: number;
}> = [
  { name: 'one scalar', query: '{ me { id } }', cost: 2 },
  { name: '__typename is free', query: '{ me { __typename id } }', cost: 2 },
  { name: 'list without size: 10 items', query: '{ users { id name } }', cost: 1 + 10 * 2 },
  { name: 'limit literal', query: '{ users(limit: 3) { id name } }', cost: 1 + 3 * 2 },
  {
    name: 'limit from a variable',
    query: 'query Q($n: Int) { users(limit: $n) { id } }',
    variables: { n: 5 },
    cost: 1 + 5,
  },
  {
    name: 'missing variable falls back to 10',
    query: 'query Q($n: Int) { users(limit: $n) { id } }',
    cost: 1 + 10,
  },
  {
    name: 'nested lists multiply',
    query: '{ users(limit: 2) { friends { id } } }',
    cost: 1 + 2 * 1 + 2 * 10 * 1,
  },
  { name: 'scalar lists cost one field', query: '{ me { tags } }', cost: 2 },
  {
    name: 'connection size applies to the list below',
    query: '{ products(first: 4) { totalCount edges { cursor node { id title } } } }',
    // products 1, totalCount 1, edges 1, then 4 × (cursor + node + id + title)
    cost: 3 + 4 * 4,
  },
  {
    name: 'fragments and inline fragments',
    query: `{ search(text: "x") { ...U ... on Product { title } } }
            fragment U on User { name }`,
    cost: 1 + 10 * 2,
  },
  {
    name: 'interface fields',
    query: '{ node(id: "1") { id ... on User { friends { id } } } }',
    cost: 1 + 1 + 1 + 10,
  },
  {
    name: 'mutation root',
    query: 'mutation { rename(name: "a") { id name } }',
    cost: 3,
  },
  {
    name: 'picks the named operation',
    query: 'query A { me { id } } query B { users { id } }',
    operationName: 'B',
    cost: 11,
  },
  {
    name: 'ambiguous operation without a name costs 0',
    query: 'query A { me { id } } query B { users { id } }',
    cost: 0,
  },
  {
    name: 'unknown fields count 1 each',
    query: '{ nope { a b } }',
    cost: 3,
  },
  {
    name: 'negative sizes count as 0',
    query: '{ users(limit: -5) { id } }',
    cost: 1,
  },
];

describe('estimateCost', () => {
  it.each(cases)('$name → $cost', ({ query, variables, operationName, cost }) => {
    expect(estimateCost(parse(query), schema, variables, { operationName })).toBe(cost);
  });

  it('should not loop on cyclic fragments', () => {
    const document = parse(
      `{ me { ...A } } fragment A on User { id ...B } fragment B on User { ...A }`,
    );
    expect(estimateCost(document, schema, undefined)).toBe(2);
  });
});
