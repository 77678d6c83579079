import { createRequire } from 'node:module';
import { ApolloServer, HeaderMap } from '@apollo/server';
import type * as GraphQL from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatError } from '@shop/subgraph';
import {
  analyzeOperation,
  DEFAULT_LIMITS,
  limitsPlugin,
  ObservedListSizes,
  SupergraphListSizes,
} from '../src/limits';

// The CommonJS graphql Apollo Server uses (see src/limits/graphql.ts).
const { buildSchema, parse, print } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/**
 * The shape of The Guild's federation benchmark (accounts, products, reviews, inventory) as one
 * schema: unbounded lists five levels deep. `Product.reviews` declares its size; `Query.users`
 * and `User.reviews` do not (observed, else the default); `topProducts` has a default `first`;
 * `Product.similar` is a list nothing legitimate selects (the attacker's).
 */
const SDL = `
  directive @link(url: String!, import: [String!]) repeatable on SCHEMA
  directive @listSize(
    assumedSize: Int
    slicingArguments: [String!]
    sizedFields: [String!]
    requireOneSlicingArgument: Boolean = true
  ) on FIELD_DEFINITION
  schema @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"]) { query: Query }

  type Query {
    users: [User!]!
    user(id: ID!): User
    topProducts(first: Int = 5): [Product!]!
    product(upc: String!): Product
    productPage(first: Int): ProductPage! @listSize(slicingArguments: ["first"], sizedFields: ["items"])
  }
  type ProductPage { items: [Product!]! tags: [String!]! related: [Product!]! total: Int! }
  type User { id: ID! username: String! name: String! email: String! reviews: [Review!]! }
  type Review { id: ID! body: String! rating: Int! author: User! product: Product! }
  type Product {
    upc: String! name: String! price: Int! weight: Int! description: String!
    inStock: Boolean! shippingEstimate: Int!
    reviews: [Review!]! @listSize(assumedSize: 5)
    similar: [Product!]!
  }
`;
const schema = buildSchema(SDL);
const listSizes = new SupergraphListSizes(SDL);

/**
 * The benchmark's query (same shape as The Guild's federation gateway benchmark): users →
 * reviews → product → reviews → author → reviews → product, and topProducts → reviews → author →
 * reviews → product; `Product` mixes products and inventory fields.
 */
const FRAGMENTS = `
  fragment User on User { id username name }
  fragment Review on Review { id body }
  fragment Product on Product { inStock name price shippingEstimate upc weight }
`;
const usersBranch = (alias = '') => `${alias}users {
  ...User
  reviews { ...Review product { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } } }
}`;
const BENCHMARK_QUERY = print(
  parse(`query TestQuery {
    ${usersBranch()}
    topProducts { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } }
  } ${FRAGMENTS}`),
);

/** The data the resolvers serve: 8 users × 3 reviews, 6 products × 4 reviews, 6 similar each. */
function fixture() {
  const products = Array.from({ length: 6 }, (_, i) => ({
    upc: `p${i}`,
    name: `Product ${i}`,
    price: 100 * i,
    weight: i,
    description: 'A product',
    inStock: true,
    shippingEstimate: 5,
    reviews: [] as unknown[],
    similar: [] as unknown[],
  }));
  const lonely = { ...products[0]!, upc: 'lonely', reviews: [], similar: [] };
  for (const product of products) product.similar = products;
  const users = Array.from({ length: 8 }, (_, i) => ({
    id: `u${i}`,
    username: `user${i}`,
    name: `User ${i}`,
    email: `u${i}@example.com`,
    reviews: [] as unknown[],
  }));
  const quiet = { ...users[0]!, id: 'quiet', reviews: [] };
  users.forEach((user, u) => {
    for (let k = 0; k < 3; k++) {
      const product = products[(u + k) % products.length]!;
      const review = { id: `r${u}-${k}`, body: 'Fine', rating: 4, author: user, product };
      user.reviews.push(review);
      product.reviews.push(review);
    }
  });
  const everything = [...products, lonely];
  return {
    users: () => users,
    user: ({ id }: { id: string }) => [...users, quiet].find((user) => user.id === id),
    topProducts: ({ first }: { first: number }) => products.slice(0, first),
    product: ({ upc }: { upc: string }) => everything.find((product) => product.upc === upc),
    productPage: ({ first }: { first: number }) => ({
      items: products.slice(0, first),
      tags: [],
      related: [],
      total: 6,
    }),
  };
}

async function startServer(observed: ObservedListSizes) {
  const server = new ApolloServer({
    schema,
    rootValue: fixture(),
    formatError,
    plugins: [limitsPlugin({}, listSizes, observed)],
  });
  await server.start();
  const post = async (query: string) => {
    const headers = new HeaderMap([['content-type', 'application/json']]);
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body: { query } },
      context: async () => ({}),
    });
    const text = response.body.kind === 'complete' ? response.body.string : '';
    return { status: response.status ?? 200, json: JSON.parse(text) as Record<string, any> };
  };
  return { server, post };
}

/** What a storefront sends every day: small queries that return the same lists. */
const WARM_UP = [
  `{ users { id reviews { id product { upc reviews { id } } } } }`,
  `{ topProducts { upc reviews { id } } }`,
];

describe('cost estimate of the federation benchmark shape (issue 22)', () => {
  it('is refused by the blanket 10 per unbounded list (the issue), accepted once sizes are declared', () => {
    const blanket = analyzeOperation(parse(BENCHMARK_QUERY), { schema });
    expect(blanket).toMatchObject({ ok: false, code: 'QUERY_TOO_COSTLY' });
    // The issue measured 102,927 on its graph: the same order of magnitude.
    expect(blanket.cost).toBeGreaterThan(50_000);

    // Declared (`@listSize`) and observed sizes, no first/limit anywhere in the query.
    const known = new ObservedListSizes({ minObservations: 1 });
    known.record('Query.users', 8);
    known.record('User.reviews', 3);
    const estimate = analyzeOperation(parse(BENCHMARK_QUERY), {
      schema,
      listSizes,
      observedSizes: known,
    });
    expect(estimate.ok).toBe(true);
    expect(estimate.cost).toBeLessThan(DEFAULT_LIMITS.maxCost);
  });

  it('honours slicing arguments, sizedFields and the schema default of first', () => {
    const cost = (query: string) => analyzeOperation(parse(query), { schema, listSizes }).cost;
    // topProducts(first: Int = 5): 5 products × (name + reviews) + 5 × 5 declared reviews × id.
    expect(cost('{ topProducts { name reviews { id } } }')).toBe(1 + 5 * 2 + 25);
    expect(cost('{ topProducts(first: 2) { name } }')).toBe(1 + 2);
    // productPage(first: 3) sizes `items` (sizedFields), not `related` (blanket 10).
    expect(cost('{ productPage(first: 3) { total items { upc } related { upc } } }')).toBe(
      1 + 1 + 1 + 3 + 1 + 10,
    );
  });

  it('accepts the query over HTTP once ordinary traffic has shown the sizes, and answers it', async () => {
    const observed = new ObservedListSizes();
    const { server, post } = await startServer(observed);
    try {
      const before = await post(BENCHMARK_QUERY);
      expect(before.status).toBe(400);
      expect(before.json.errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');

      for (let i = 0; i < 20; i++) {
        for (const query of WARM_UP) expect((await post(query)).status).toBe(200);
      }
      expect(observed.observedSize('Query', 'users')).toBe(8);
      expect(observed.observedSize('User', 'reviews')).toBe(3);
      // Declared sizes are not observed: the declaration wins.
      expect(observed.observedSize('Product', 'reviews')).toBeUndefined();

      const after = await post(BENCHMARK_QUERY);
      expect(after.status).toBe(200);
      expect(after.json.errors).toBeUndefined();
      expect(after.json.data.users).toHaveLength(8);
      expect(after.json.extensions.cost.estimated).toBeLessThan(DEFAULT_LIMITS.maxCost);
      expect(after.json.extensions.cost.estimated).toBeLessThan(
        before.json.extensions.cost.estimated / 5,
      );
    } finally {
      await server.stop();
    }
  });

  it('still refuses the attack shapes once the sizes are known', async () => {
    const observed = new ObservedListSizes();
    const { server, post } = await startServer(observed);
    try {
      for (let i = 0; i < 20; i++) for (const query of WARM_UP) await post(query);
      const refused = async (query: string) => {
        const answer = await post(query);
        expect(answer.status).toBe(400);
        return answer.json.errors[0].extensions.code as string;
      };
      // Alias multiplication: the accepted nested query, ten times under aliases.
      const aliased = Array.from({ length: 10 }, (_, i) => usersBranch(`a${i}: `)).join(' ');
      expect(await refused(`{ ${aliased} } ${FRAGMENTS}`)).toBe('QUERY_TOO_COSTLY');
      // List multiplication through a list no ordinary query returns (blanket default).
      expect(
        await refused(
          '{ topProducts { similar { similar { similar { similar { similar { name } } } } } } }',
        ),
      ).toBe('QUERY_TOO_COSTLY');
      // Deep list nesting through observed lists is still bounded by depth.
      const deep = `{ users { ${'reviews { author { '.repeat(6)}id${' } }'.repeat(6)} } }`;
      expect(await refused(deep)).toBe('QUERY_TOO_DEEP');
      // Aliases beyond the alias limit.
      const many = Array.from({ length: 31 }, (_, i) => `a${i}: id`).join(' ');
      expect(await refused(`{ users { ${many} } }`)).toBe('TOO_MANY_ALIASES');
    } finally {
      await server.stop();
    }
  });

  it('poisoning: short lists sent first cannot lower a size real traffic showed; an unseen field recovers after one response', async () => {
    const observed = new ObservedListSizes();
    const { server, post } = await startServer(observed);
    try {
      for (let i = 0; i < 20; i++) for (const query of WARM_UP) await post(query);
      // The attacker asks 50 times for a user with no reviews: User.reviews stays at 3.
      for (let i = 0; i < 50; i++) await post('{ user(id: "quiet") { reviews { id } } }');
      expect(observed.observedSize('User', 'reviews')).toBe(3);

      // A field only the attacker selects: 20 empty `similar` lists bring it to 1 …
      for (let i = 0; i < 20; i++) await post('{ product(upc: "lonely") { similar { upc } } }');
      expect(observed.observedSize('Product', 'similar')).toBe(1);
      const attack =
        '{ topProducts { similar { similar { similar { similar { similar { name } } } } } } }';
      // … so ONE such request is estimated low and runs (5 × 6⁵ names) …
      const first = await post(attack);
      expect(first.status).toBe(200);
      expect(first.json.data.topProducts[0].similar).toHaveLength(6);
      // … and its own response raises the size at once: the next one is refused.
      expect(observed.observedSize('Product', 'similar')).toBe(6);
      const second = await post(attack);
      expect(second.status).toBe(400);
      expect(second.json.errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    } finally {
      await server.stop();
    }
  });
});
