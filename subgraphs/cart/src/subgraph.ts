import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { createCartTokens } from '@shop/auth';
import { TOPICS } from '@shop/events';
import { createBatchLoader, defineSubgraph } from '@shop/subgraph';
import { createNoCache, createRedisCache } from './cache';
import { createProductCatalog, createVariantLoader } from './products';
import { createCartQueries, createCartRepo } from './repo';
import { resolvers, type CartContext } from './resolvers';
import { createCartService } from './service';

/** Postgres schema of the cart subgraph (tables, outbox, processed events). */
export const CART_SCHEMA = 'cart';
/** Consumer group (and dedupe namespace) of the cart's event consumers. */
export const CART_CONSUMER_GROUP = 'cart';

/** The cart subgraph's own start options. */
export interface CartOptions {
  /** HMAC secret of guest cart tokens. */
  cartTokenSecret: string;
  /** Redis URL of the read-through cart cache; no cache when unset. */
  redisUrl?: string;
  /** Prepended to the cache's Redis keys (several deployments on one Redis). */
  redisKeyPrefix?: string;
}

/**
 * The cart subgraph: carts and lines (prices from product over a service call), an outbox, and
 * its `order.created` consumer (carts become CONVERTED).
 */
export const cartSubgraph = defineSubgraph<CartOptions, CartContext>({
  name: 'cart',
  schema: CART_SCHEMA,
  migrations: new URL('../migrations/', import.meta.url),
  outbox: true,
  calls: ['product'],
  serviceTimeoutMs: 3_000,
  typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
  resolvers,
  setup({ database, options, serviceClient }) {
    const cache = options.redisUrl
      ? createRedisCache(options.redisUrl, undefined, options.redisKeyPrefix)
      : createNoCache();
    const catalog = createProductCatalog(serviceClient());
    const service = createCartService({
      repo: createCartRepo(database.db),
      catalog,
      tokens: createCartTokens(options.cartTokenSecret),
      cache,
    });
    return {
      context: (base) => ({
        ...base,
        service,
        variants: createVariantLoader(catalog),
        loadCart: createBatchLoader((ids) => service.cartsByIds(ids)),
      }),
      consumers: [
        {
          group: CART_CONSUMER_GROUP,
          topics: [TOPICS.order],
          handle: async (envelope, tx) => {
            if (envelope.type !== 'order.created') return;
            await service.convertCart(createCartQueries(tx), envelope.data);
          },
        },
      ],
      close: () => cache.close(),
    };
  },
});
