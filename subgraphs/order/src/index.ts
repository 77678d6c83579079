import type { KeySource, SigningKey } from '@shop/auth';
import type { Database } from '@shop/db';
import type { EventBus } from '@shop/events';
import { prepareSubgraphDatabase, startSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { orderSubgraph, type OrderExposed, type OrderOptions } from './subgraph';

export {
  ORDER_STATUSES,
  TRANSITIONS,
  TERMINAL_STATUSES,
  nextStates,
  transition,
} from './state-machine';
export type { Actor, ActorKind, OrderStatus, TransitionRule } from './state-machine';

export { ORDER_CONSUMER_GROUP, orderSubgraph } from './subgraph';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const ORDER_SUBGRAPH = orderSubgraph.name;

export interface OrderSubgraphOptions extends OrderOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens (service tokens share this trust root). */
  gatewayKeys: KeySource;
  bus: EventBus;
  /** Signs this subgraph's service tokens to cart and product. */
  serviceKey: SigningKey;
  /** URLs of the subgraphs called by name (`cart`, `product`); read at call time. */
  serviceUrls: Record<string, string>;
  port?: number;
  host?: string;
}

/** Migrates the `order` schema (tables, outbox, processed events, idempotency keys). */
export function prepareOrderDatabase(database: Database): Promise<void> {
  return prepareSubgraphDatabase(orderSubgraph, database, {});
}

/**
 * Starts the order subgraph with its outbox relay, its payment-event consumer and the sweeper
 * that expires unpaid orders; `stop()` stops all of them.
 */
export function startOrderSubgraph(
  options: OrderSubgraphOptions,
): Promise<RunningSubgraph & OrderExposed> {
  return startSubgraph(orderSubgraph, options);
}
