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
  /** Event bus: publishes this subgraph's outbox and consumes order events (stock release). */
  bus?: EventBus;
  /** How often expired, uncommitted reservations are released; default 30 s. */
  reservationSweepIntervalMs?: number;
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
    migrations: [
      ...readMigrations(new URL('../migrations/', import.meta.url)),
      eventsMigration('product'),
    ],
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
  const { database, bus } = options;
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
  }
  const sweeper = setInterval(() => {
    releaseExpiredReservations(database)
      .then((count) => count > 0 && relay?.wake())
      .catch((error: unknown) => console.warn('[product] reservation sweep failed', error));
  }, options.reservationSweepIntervalMs ?? 30_000);
  sweeper.unref();

  const subgraph = await createSubgraph<ProductContext>({
    name: PRODUCT_SUBGRAPH,
    typeDefs: productTypeDefs,
    resolvers,
    gatewayKeys: options.gatewayKeys,
    context: (base) => ({ ...base, catalog, loaders: createLoaders(catalog), inventory }),
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
export type { ProductContext } from './resolvers';
