import { randomUUID } from 'node:crypto';
import gql from 'graphql-tag';
import type { SigningKey } from '@shop/auth';
import { createSubgraph, MinorUnitsScalar, type RunningSubgraph } from '@shop/subgraph';

/** A variant as the stub product subgraph serves it; change fields to change what cart sees. */
export interface StubVariant {
  id: string;
  sku: string;
  name: string;
  price: { amount: number; currencyCode: string };
  stockOnHand: number;
  product: { id: string; name: string; status: 'DRAFT' | 'PUBLISHED' };
}

const typeDefs = gql`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
  scalar MinorUnits
  type Money @shareable {
    amount: MinorUnits!
    currencyCode: String!
  }
  type Product @key(fields: "id") {
    id: ID!
    name: String!
    status: String!
  }
  type Variant @key(fields: "id") {
    id: ID!
    sku: String!
    name: String!
    price: Money!
    stockOnHand: Int!
    product: Product
  }
  type Query {
    variantCount: Int!
  }
`;

export interface ProductStub {
  subgraph: RunningSubgraph;
  variants: Map<string, StubVariant>;
  /** Every `_entities` call: the caller and the ids asked for. */
  calls: Array<{ userId: string | undefined; roles: string[]; ids: string[] }>;
  add(overrides?: Partial<Omit<StubVariant, 'id'>>): StubVariant;
}

/**
 * A real (tiny) product subgraph over an in-memory map, served by `createSubgraph`, so it
 * verifies the cart's service tokens exactly as product does.
 */
export async function startProductStub(serviceKey: SigningKey): Promise<ProductStub> {
  const variants = new Map<string, StubVariant>();
  const calls: ProductStub['calls'] = [];
  let counter = 0;
  const subgraph = await createSubgraph({
    name: 'product',
    typeDefs,
    gatewayKeys: [serviceKey],
    context: (base) => {
      const call = {
        userId: base.identity?.userId,
        roles: base.identity?.roles ?? [],
        ids: [] as string[],
      };
      calls.push(call);
      return { ...base, call };
    },
    resolvers: {
      MinorUnits: MinorUnitsScalar,
      Query: { variantCount: () => variants.size },
      Variant: {
        __resolveReference: (reference: { id: string }, context: { call: { ids: string[] } }) => {
          context.call.ids.push(reference.id);
          const variant = variants.get(reference.id);
          return variant ? structuredClone(variant) : null;
        },
      },
    },
  });
  return {
    subgraph,
    variants,
    calls,
    add(overrides = {}) {
      counter += 1;
      const variant: StubVariant = {
        id: randomUUID(),
        sku: `SKU-${counter}`,
        name: `Variant ${counter}`,
        price: { amount: 1_000, currencyCode: 'USD' },
        stockOnHand: 10,
        product: { id: randomUUID(), name: `Product ${counter}`, status: 'PUBLISHED' },
        ...overrides,
      };
      variants.set(variant.id, variant);
      return variant;
    },
  };
}
