import { loadSigningKey, type Identity } from '@shop/auth';
import { callSubgraph, type TestDatabaseTarget } from '@shop/testing';
import { PRODUCT_SUBGRAPH, prepareProductDatabase, startProductSubgraph } from '../src/index';

export const ADMIN: Identity = { userId: 'admin-1', roles: ['ADMIN'] };
export const CUSTOMER: Identity = { userId: 'customer-1', roles: ['CUSTOMER'] };

/** A migrated, seeded database with the subgraph running on a free port. */
export async function startHarness(target: TestDatabaseTarget) {
  const { database, cleanup } = await target.open();
  await prepareProductDatabase(database, { seed: true });
  const gatewayKey = await loadSigningKey();
  const subgraph = await startProductSubgraph({ database, gatewayKeys: [gatewayKey], port: 0 });

  const call = (identity: Identity | null, query: string, variables?: Record<string, unknown>) =>
    callSubgraph(
      { url: subgraph.url, subgraph: PRODUCT_SUBGRAPH, gatewayKey, identity },
      { query, ...(variables ? { variables } : {}) },
    );

  /** Row counts of the catalog tables, to prove a failed write left nothing behind. */
  const counts = async () => {
    const [row] = await database.query<{ products: number; variants: number; categories: number }>(
      `select (select count(*)::int from product.products) as products,
              (select count(*)::int from product.variants) as variants,
              (select count(*)::int from product.categories) as categories`,
    );
    return row!;
  };

  return {
    database,
    subgraph,
    call,
    admin: (query: string, variables?: Record<string, unknown>) => call(ADMIN, query, variables),
    customer: (query: string, variables?: Record<string, unknown>) =>
      call(CUSTOMER, query, variables),
    anonymous: (query: string, variables?: Record<string, unknown>) => call(null, query, variables),
    counts,
    async close() {
      await subgraph.stop();
      await cleanup();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** The first error code of a response, or undefined. */
export const errorCode = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  body.errors?.[0]?.extensions?.code;
