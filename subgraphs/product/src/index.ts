import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';
import type { KeySource } from '@shop/auth';
import { migrate, readMigrations, type Database } from '@shop/db';
import { createSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { createLoaders } from './loaders';
import { createCatalogRepo, insertCatalogIfEmpty } from './repo';
import { resolvers, type ProductContext } from './resolvers';
import { buildSeedCatalog } from './seed';
import { createCatalogService } from './service';

export const PRODUCT_SUBGRAPH = 'product';

export interface ProductSubgraphOptions {
  database: Database;
  gatewayKeys: KeySource;
  port?: number;
  host?: string;
}

/** The subgraph's SDL (source of truth: `src/schema.graphql`). */
export const productTypeDefs = gql(
  readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
);

/** Migrates the `product` schema, then (when `seed`) inserts the demo catalog if the product table is empty; idempotent. */
export async function prepareProductDatabase(
  database: Database,
  options: { seed: boolean },
): Promise<void> {
  await migrate(database, {
    schema: 'product',
    migrations: readMigrations(new URL('../migrations/', import.meta.url)),
  });
  if (options.seed) await insertCatalogIfEmpty(database.db, buildSeedCatalog());
}

/** Starts the product subgraph over an already prepared database. */
export async function startProductSubgraph(
  options: ProductSubgraphOptions,
): Promise<RunningSubgraph> {
  const catalog = createCatalogService({
    repo: createCatalogRepo(options.database.db),
    newId: randomUUID,
  });
  return createSubgraph<ProductContext>({
    name: PRODUCT_SUBGRAPH,
    typeDefs: productTypeDefs,
    resolvers,
    gatewayKeys: options.gatewayKeys,
    context: (base) => ({ ...base, catalog, loaders: createLoaders(catalog) }),
    readiness: () => options.database.ping(),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
  });
}

export { buildSeedCatalog } from './seed';
export type { ProductContext } from './resolvers';
