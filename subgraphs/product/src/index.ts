import type { KeySource } from '@shop/auth';
import type { Database } from '@shop/db';
import type { EventBus } from '@shop/events';
import type { SearchIndex } from '@shop/search';
import { prepareSubgraphDatabase, startSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { productSubgraph, type ProductOptions } from './subgraph';

export { productSubgraph, productTypeDefs } from './subgraph';

export const PRODUCT_SUBGRAPH = productSubgraph.name;

export interface ProductSubgraphOptions extends ProductOptions {
  database: Database;
  gatewayKeys: KeySource;
  /**
   * Event bus: publishes this subgraph's outbox, consumes order events (stock release) and
   * catalog + inventory events (search indexing, group 'product-search').
   */
  bus?: EventBus;
  port?: number;
  host?: string;
}

/**
 * Migrates the `product` schema, then (when `seed`) inserts the demo catalog if the product table
 * is empty; prepares the search index (default: the Postgres adapter's `search` schema) and
 * builds it from the catalog when the catalog was just seeded or the index is empty. Idempotent.
 * An unreachable OpenSearch only logs a warning (run `reindex` later).
 */
export function prepareProductDatabase(
  database: Database,
  options: { seed: boolean; search?: SearchIndex },
): Promise<void> {
  return prepareSubgraphDatabase(productSubgraph, database, options);
}

/** Starts the product subgraph over an already prepared database. */
export function startProductSubgraph(options: ProductSubgraphOptions): Promise<RunningSubgraph> {
  return startSubgraph(productSubgraph, options);
}

export { releaseExpiredReservations, reserveStock } from './inventory';

export { buildSeedCatalog } from './seed';
export {
  allSearchDocuments,
  applyEventToSearch,
  loadSearchDocuments,
  reindexSearch,
} from './search-documents';
export type { ProductContext } from './resolvers';
