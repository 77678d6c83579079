import type { KeySource, SigningKey } from '@shop/auth';
import type { Database } from '@shop/db';
import type { EventBus } from '@shop/events';
import { prepareSubgraphDatabase, startSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { cartSubgraph, type CartOptions } from './subgraph';

export { CART_CONSUMER_GROUP, CART_SCHEMA, cartSubgraph } from './subgraph';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const CART_SUBGRAPH = cartSubgraph.name;

export interface CartSubgraphOptions extends CartOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens. */
  gatewayKeys: KeySource;
  /** Bus the outbox relay publishes to and the consumers read from. */
  bus: EventBus;
  /** Signs service tokens for calls to product (same trust root as the gateway's). */
  serviceKey: SigningKey;
  /** URLs of other subgraphs by name (shared object; `product` is set before any request). */
  serviceUrls: Record<string, string>;
  port?: number;
  host?: string;
}

/** Migrates the `cart` schema (tables, outbox, processed events). Idempotent. */
export function prepareCartDatabase(database: Database): Promise<void> {
  return prepareSubgraphDatabase(cartSubgraph, database, {});
}

/**
 * Starts the cart subgraph with its outbox relay and its `order.created` consumer (carts become
 * CONVERTED). `stop()` stops the server, the consumer and the relay, and closes Redis.
 */
export function startCartSubgraph(options: CartSubgraphOptions): Promise<RunningSubgraph> {
  return startSubgraph(cartSubgraph, options);
}
