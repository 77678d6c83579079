import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { TOPICS } from '@shop/events';
import { log } from '@shop/log';
import { defineSubgraph } from '@shop/subgraph';
import { createCartPort, createStockPort } from './clients';
import { createOrderLoaders } from './loaders';
import { createOrderRepo, ORDER_SCHEMA } from './repo';
import { resolvers, type OrderContext } from './resolvers';
import { createOrderService, type Logger } from './service';

/** Consumer group (and dedupe namespace) of this subgraph's event consumers. */
export const ORDER_CONSUMER_GROUP = 'order';

/** The order subgraph's own start options. */
export interface OrderOptions {
  /** PENDING_PAYMENT → EXPIRED after this many seconds (default 900). */
  paymentTtlSeconds?: number;
  /** How often overdue orders are expired (default 10 s). */
  expirySweepIntervalMs?: number;
  logger?: Logger;
}

/** What the running order subgraph adds. */
export interface OrderExposed {
  /** Moves overdue unpaid orders to EXPIRED now (one run at a time, shared with the sweeper). */
  expireOverdueOrders(): Promise<number>;
}

/**
 * The order subgraph: checkout (cart and stock over service calls) and the order lifecycle, an
 * outbox and idempotency keys, its payment-event consumer, and the sweeper that expires unpaid
 * orders.
 */
export const orderSubgraph = defineSubgraph<OrderOptions, OrderContext, object, OrderExposed>({
  name: 'order',
  schema: ORDER_SCHEMA,
  migrations: new URL('../migrations/', import.meta.url),
  outbox: true,
  idempotencyKeys: true,
  calls: ['cart', 'product'],
  typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
  resolvers,
  setup({ database, options, serviceClient }) {
    const logger = options.logger ?? log;
    const client = serviceClient();
    const service = createOrderService({
      database,
      repo: createOrderRepo(database.db),
      cart: createCartPort(client),
      stock: createStockPort(client),
      paymentTtlSeconds: options.paymentTtlSeconds ?? 900,
      logger,
    });
    let sweeping: Promise<number> | undefined;
    const expireOverdueOrders = () => {
      sweeping ??= service.expireOverdueOrders().finally(() => {
        sweeping = undefined;
      });
      return sweeping;
    };
    return {
      context: (base) => ({
        ...base,
        service,
        loaders: createOrderLoaders(service, base.identity),
      }),
      consumers: [
        {
          group: ORDER_CONSUMER_GROUP,
          topics: [TOPICS.payment],
          handle: (envelope, tx) => service.handlePaymentEvent(envelope, tx),
        },
      ],
      jobs: [
        {
          name: 'expiry sweep',
          everyMs: options.expirySweepIntervalMs ?? 10_000,
          run: () =>
            expireOverdueOrders().catch((error: unknown) =>
              logger.warn(`[order] expiry sweep failed: ${String(error)}`),
            ),
        },
      ],
      exposed: { expireOverdueOrders },
    };
  },
});
