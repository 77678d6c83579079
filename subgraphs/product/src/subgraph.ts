import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';
import type { Database } from '@shop/db';
import { TOPICS } from '@shop/events';
import { log } from '@shop/log';
import { createPostgresSearchIndex, SearchUnavailableError, type SearchIndex } from '@shop/search';
import { defineSubgraph } from '@shop/subgraph';
import {
  applyOrderEvent,
  releaseExpiredReservations,
  releaseStock,
  reserveStock,
} from './inventory';
import { createLoaders } from './loaders';
import { createCatalogRepo, insertCatalogIfEmpty } from './repo';
import { resolvers, type ProductContext } from './resolvers';
import { applyEventToSearch, reindexSearch } from './search-documents';
import { buildSeedCatalog } from './seed';
import { createCatalogService } from './service';

/** The product subgraph's own start options. */
export interface ProductOptions {
  /** Search index behind `searchProducts`; default the Postgres adapter on the database. */
  search?: SearchIndex;
  /** How often expired, uncommitted reservations are released; default 30 s. */
  reservationSweepIntervalMs?: number;
}

/** The product subgraph's seed options. */
export interface ProductSeedOptions {
  /** Insert the demo catalog when the product table is empty. */
  seed: boolean;
  /** The index to prepare; default the Postgres adapter's `search` schema. */
  search?: SearchIndex;
}

/** The subgraph's SDL (source of truth: `src/schema.graphql`). */
export const productTypeDefs = gql(
  readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
);

/**
 * When `seed`, inserts the demo catalog if the product table is empty; prepares the search index
 * and builds it from the catalog when the catalog was just seeded or the index is empty. An
 * unreachable OpenSearch only logs a warning (run `reindex` later).
 */
async function seedCatalogAndSearch(database: Database, options: ProductSeedOptions) {
  const seeded = options.seed && (await insertCatalogIfEmpty(database.db, buildSeedCatalog()));
  const search = options.search ?? createPostgresSearchIndex(database);
  try {
    await search.init();
    if (seeded || (await search.count()) === 0) await reindexSearch(database, search);
  } catch (error) {
    if (!(error instanceof SearchUnavailableError)) throw error;
    log.warn(`[product] search index not prepared: ${error.message}`);
  }
}

/**
 * The product subgraph: catalog, search and inventory, an outbox (catalog and inventory events),
 * the consumers of order events (stock commit/release, group `product-inventory`) and of its own
 * catalog and inventory events (search indexing, group `product-search`), and the sweeper that
 * releases expired reservations.
 */
export const productSubgraph = defineSubgraph<ProductOptions, ProductContext, ProductSeedOptions>({
  name: 'product',
  schema: 'product',
  migrations: new URL('../migrations/', import.meta.url),
  outbox: true,
  typeDefs: productTypeDefs,
  resolvers,
  seed: seedCatalogAndSearch,
  setup({ database, options }) {
    const catalog = createCatalogService({
      repo: createCatalogRepo(database.db),
      newId: randomUUID,
    });
    const search = options.search ?? createPostgresSearchIndex(database);
    const inventory = {
      reserve: (input: Parameters<typeof reserveStock>[1]) => reserveStock(database, input),
      release: (orderId: string) => releaseStock(database, orderId, 'released by order service'),
    };
    return {
      context: (base) => ({
        ...base,
        catalog,
        loaders: createLoaders(catalog),
        inventory,
        search,
      }),
      consumers: [
        { group: 'product-inventory', topics: [TOPICS.order], handle: applyOrderEvent },
        {
          group: 'product-search',
          topics: [TOPICS.catalog, TOPICS.inventory],
          handle: (envelope, tx) => applyEventToSearch(search, envelope, tx),
        },
      ],
      jobs: [
        {
          name: 'reservation sweep',
          everyMs: options.reservationSweepIntervalMs ?? 30_000,
          run: async () => {
            await releaseExpiredReservations(database);
          },
        },
      ],
    };
  },
});
