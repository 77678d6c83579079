import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { createCartTokens, type KeySource, type SigningKey } from '@shop/auth';
import { migrate, readMigrations, type Database } from '@shop/db';
import {
  eventsMigration,
  idempotentHandler,
  startRelay,
  TOPICS,
  type EventBus,
} from '@shop/events';
import {
  createBatchLoader,
  createServiceClient,
  createSubgraph,
  type RunningSubgraph,
} from '@shop/subgraph';
import { createNoCache, createRedisCache } from './cache';
import { createProductCatalog, createVariantLoader } from './products';
import { createCartQueries, createCartRepo } from './repo';
import { resolvers, type CartContext } from './resolvers';
import { createCartService } from './service';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const CART_SUBGRAPH = 'cart';
/** Postgres schema of the cart subgraph (tables, outbox, processed events). */
export const CART_SCHEMA = 'cart';
/** Consumer group (and dedupe namespace) of the cart's event consumers. */
export const CART_CONSUMER_GROUP = 'cart';

export interface CartSubgraphOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens. */
  gatewayKeys: KeySource;
  /** Bus the outbox relay publishes to and the consumers read from. */
  bus: EventBus;
  /** Signs service tokens for calls to product (same trust root as the gateway's). */
  serviceKey: SigningKey;
  /** URLs of other subgraphs by name (shared object; `product` is set before any request). */
  serviceUrls: Record<string, string>;
  /** HMAC secret of guest cart tokens. */
  cartTokenSecret: string;
  /** Redis URL of the read-through cart cache; no cache when unset. */
  redisUrl?: string;
  port?: number;
  host?: string;
}

/** Migrates the `cart` schema (tables, outbox, processed events). Idempotent. */
export async function prepareCartDatabase(database: Database): Promise<void> {
  await migrate(database, {
    schema: CART_SCHEMA,
    migrations: [
      ...readMigrations(new URL('../migrations/', import.meta.url)),
      eventsMigration(CART_SCHEMA),
    ],
  });
}

/**
 * Starts the cart subgraph with its outbox relay and its `order.created` consumer (carts become
 * CONVERTED). `stop()` stops the server, the consumer and the relay, and closes Redis.
 */
export async function startCartSubgraph(options: CartSubgraphOptions): Promise<RunningSubgraph> {
  const { database, bus } = options;
  const relay = startRelay({ database, schema: CART_SCHEMA, bus });
  const cache = options.redisUrl ? createRedisCache(options.redisUrl) : createNoCache();
  const catalog = createProductCatalog(
    createServiceClient({
      self: CART_SUBGRAPH,
      key: options.serviceKey,
      urls: options.serviceUrls,
      timeoutMs: 3_000,
    }),
  );
  const service = createCartService({
    repo: createCartRepo(database.db),
    catalog,
    tokens: createCartTokens(options.cartTokenSecret),
    cache,
    onCommit: () => relay.wake(),
  });

  const consumer = await bus.subscribe({
    group: CART_CONSUMER_GROUP,
    topics: [TOPICS.order],
    fromBeginning: true,
    handler: idempotentHandler(
      { database, schema: CART_SCHEMA, consumer: CART_CONSUMER_GROUP },
      async (envelope, tx) => {
        if (envelope.type !== 'order.created') return;
        await service.convertCart(createCartQueries(tx), envelope.data);
      },
    ),
  });

  let subgraph: RunningSubgraph;
  try {
    subgraph = await createSubgraph<CartContext>({
      name: CART_SUBGRAPH,
      typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
      resolvers,
      gatewayKeys: options.gatewayKeys,
      context: (base) => ({
        ...base,
        service,
        variants: createVariantLoader(catalog),
        loadCart: createBatchLoader((ids) => service.cartsByIds(ids)),
      }),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.host === undefined ? {} : { host: options.host }),
      readiness: () => database.ping(),
    });
  } catch (error) {
    await consumer.stop();
    await relay.stop();
    await cache.close();
    throw error;
  }
  return {
    ...subgraph,
    async stop(timeoutMs) {
      await subgraph.stop(timeoutMs);
      await consumer.stop();
      await relay.stop();
      await cache.close();
    },
  };
}
