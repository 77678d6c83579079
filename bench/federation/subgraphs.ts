/**
 * The four subgraphs of the federation benchmark (accounts, products, inventory, reviews): SDL
 * and resolvers over the in-memory data of `data.ts`. Each runs as its own process
 * (`subgraph-server.ts`); the harness composes the supergraph from the same SDL texts.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import {
  inStock,
  productByUpc,
  products,
  reviewsByAuthor,
  reviewsByProduct,
  shippingEstimate,
  userById,
  users,
  type Review,
} from './data';

const LINK = (imports: string[]) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports
    .map((name) => `"${name}"`)
    .join(', ')}])`;

export interface BenchSubgraph {
  name: SubgraphName;
  sdl: string;
  resolvers: GraphQLResolverMap<unknown>;
}

export const SUBGRAPH_NAMES = ['accounts', 'products', 'inventory', 'reviews'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

interface UpcRef {
  upc: string;
}
interface IdRef {
  id: string;
}

const accounts: BenchSubgraph = {
  name: 'accounts',
  sdl: `${LINK(['@key'])}

"""A customer account."""
type User @key(fields: "id") {
  """Stable account id."""
  id: ID!
  """Full name."""
  name: String!
  """Public handle."""
  username: String!
}

"""Entry points of the accounts subgraph."""
type Query {
  """The first accounts, by id."""
  users(
    """How many accounts (default 5)."""
    first: Int = 5
  ): [User!]!
}
`,
  resolvers: {
    Query: { users: (_: unknown, args: { first: number }) => users.slice(0, args.first) },
    User: { __resolveReference: (ref: IdRef) => userById.get(ref.id) ?? null },
  },
};

const productsSubgraph: BenchSubgraph = {
  name: 'products',
  sdl: `${LINK(['@key'])}

"""An article of the catalog."""
type Product @key(fields: "upc") {
  """Universal product code."""
  upc: String!
  """Display name."""
  name: String!
  """Price in cents."""
  price: Int!
  """Weight in grams."""
  weight: Int!
}

"""Entry points of the products subgraph."""
type Query {
  """The best-selling products."""
  topProducts(
    """How many products (default 5)."""
    first: Int = 5
  ): [Product!]!
}
`,
  resolvers: {
    Query: { topProducts: (_: unknown, args: { first: number }) => products.slice(0, args.first) },
    Product: { __resolveReference: (ref: UpcRef) => productByUpc.get(ref.upc) ?? null },
  },
};

const inventory: BenchSubgraph = {
  name: 'inventory',
  sdl: `${LINK(['@key', '@external', '@requires'])}

"""Stock and shipping of a catalog article."""
type Product @key(fields: "upc") {
  """Universal product code."""
  upc: String!
  """Price in cents (owned by products)."""
  price: Int! @external
  """Weight in grams (owned by products)."""
  weight: Int! @external
  """Whether the warehouse has it."""
  inStock: Boolean!
  """Shipping cost in cents, from price and weight."""
  shippingEstimate: Int! @requires(fields: "price weight")
}
`,
  resolvers: {
    Product: {
      __resolveReference: (ref: UpcRef & { price?: number; weight?: number }) => ref,
      inStock: (product: UpcRef) => inStock(product.upc),
      shippingEstimate: (product: { price: number; weight: number }) =>
        shippingEstimate(product.price, product.weight),
    },
  },
};

const reviewsSubgraph: BenchSubgraph = {
  name: 'reviews',
  sdl: `${LINK(['@key'])}

"""A customer's review of a product."""
type Review {
  """Stable review id."""
  id: ID!
  """The review's text."""
  body: String!
  """Who wrote it."""
  author: User!
  """What it reviews."""
  product: Product!
}

"""A customer account, with the reviews it wrote."""
type User @key(fields: "id") {
  """Stable account id."""
  id: ID!
  """Reviews written by this user."""
  reviews: [Review!]!
}

"""A catalog article, with its reviews."""
type Product @key(fields: "upc") {
  """Universal product code."""
  upc: String!
  """Reviews of this product."""
  reviews: [Review!]!
}
`,
  resolvers: {
    Review: {
      author: (review: Review) => ({ id: review.authorId }),
      product: (review: Review) => ({ upc: review.productUpc }),
    },
    User: {
      __resolveReference: (ref: IdRef) => ref,
      reviews: (user: IdRef) => reviewsByAuthor.get(user.id) ?? [],
    },
    Product: {
      __resolveReference: (ref: UpcRef) => ref,
      reviews: (product: UpcRef) => reviewsByProduct.get(product.upc) ?? [],
    },
  },
};

export const SUBGRAPHS: Record<SubgraphName, BenchSubgraph> = {
  accounts,
  products: productsSubgraph,
  inventory,
  reviews: reviewsSubgraph,
};
