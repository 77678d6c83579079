import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';
import type { KeySource } from '@shop/auth';
import { migrate, readMigrations, type Database } from '@shop/db';
import {
  eventsMigration,
  idempotentHandler,
  startRelay,
  TOPICS,
  type EventBus,
  type Subscription,
} from '@shop/events';
import {
  applyOrderEvent,
  releaseExpiredReservations,
  releaseStock,
  reserveStock,
} from './inventory';
import { createPostgresSearchIndex, SearchUnavailableError, type SearchIndex } from '@shop/search';
import { createSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { createLoaders } from './loaders';
import { createCatalogRepo, insertCatalogIfEmpty } from './repo';
import { resolvers, type ProductContext } from './resolvers';
import { applyEventToSearch, reindexSearch } from './search-documents';
import { buildSeedCatalog } from './seed';
import { createCatalogService } from './service';
import { log } from '@shop/log';

export const PRODUCT_SUBGRAPH = 'product';

export interface ProductSubgraphOptions {
  database: Database;
  gatewayKeys: KeySource;
  /**
   * Event bus: publishes this subgraph's outbox, consumes order events (stock release) and
   * catalog + inventory events (search indexing, group 'product-search').
   */
  bus?: EventBus;
  /** Search index behind `searchProducts`; default the Postgres adapter on `database`. */
  search?: SearchIndex;
  /** How often expired, uncommitted reservations are released; default 30 s. */
  reservationSweepIntervalMs?: number;
  port?: number;
  host?: string;
}

/** The subgraph's SDL (source of truth: `src/schema.graphql`). */
export const productTypeDefs = gql(
  readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
);

/**
 * Migrates the `product` schema, then (when `seed`) inserts the demo catalog if the product table
 * is empty; prepares the search index (default: the Postgres adapter's `search` schema) and
 * builds it from the catalog when the catalog was just seeded or the index is empty. Idempotent.
 * An unreachable OpenSearch only logs a warning (run `reindex` later).
 */
export async function prepareProductDatabase(
  database: Database,
  options: { seed: boolean; search?: SearchIndex },
): Promise<void> {
  await migrate(database, {
    schema: 'product',
    migrations: [
      ...readMigrations(new URL('../migrations/', import.meta.url)),
      eventsMigration('product'),
    ],
  });
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

/** Starts the product subgraph over an already prepared database. */
export async function startProductSubgraph(
  options: ProductSubgraphOptions,
): Promise<RunningSubgraph> {
  const catalog = createCatalogService({
    repo: createCatalogRepo(options.database.db),
    newId: randomUUID,
  });
  const { database, bus } = options;
  const search = options.search ?? createPostgresSearchIndex(database);
  const relay = bus ? startRelay({ database, schema: 'product', bus }) : undefined;
  const inventory = {
    reserve: async (input: Parameters<typeof reserveStock>[1]) => {
      const result = await reserveStock(database, input);
      relay?.wake();
      return result;
    },
    release: async (orderId: string) => {
      const released = await releaseStock(database, orderId, 'released by order service');
      relay?.wake();
      return released;
    },
  };
  const subscriptions: Subscription[] = [];
  if (bus) {
    subscriptions.push(
      await bus.subscribe({
        group: 'product-inventory',
        topics: [TOPICS.order],
        fromBeginning: true,
        handler: idempotentHandler(
          { database, schema: 'product', consumer: 'product-inventory' },
          applyOrderEvent,
        ),
      }),
    );
    subscriptions.push(
      await bus.subscribe({
        group: 'product-search',
        topics: [TOPICS.catalog, TOPICS.inventory],
        fromBeginning: true,
        handler: idempotentHandler(
          { database, schema: 'product', consumer: 'product-search' },
          (envelope, tx) => applyEventToSearch(search, envelope, tx),
        ),
      }),
    );
  }
  const sweeper = setInterval(() => {
    releaseExpiredReservations(database)
      .then((count) => count > 0 && relay?.wake())
      .catch((error: unknown) => log.warn('[product] reservation sweep failed', error));
  }, options.reservationSweepIntervalMs ?? 30_000);
  sweeper.unref();

  const subgraph = await createSubgraph<ProductContext>({
    name: PRODUCT_SUBGRAPH,
    typeDefs: productTypeDefs,
    resolvers,
    gatewayKeys: options.gatewayKeys,
    context: (base) => ({
      ...base,
      catalog,
      loaders: createLoaders(catalog),
      inventory,
      search,
    }),
    readiness: () => database.ping(),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
  });
  return {
    ...subgraph,
    async stop(timeoutMs) {
      clearInterval(sweeper);
      await subgraph.stop(timeoutMs);
      await Promise.all(subscriptions.map((s) => s.stop()));
      await relay?.stop();
    },
  };
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
