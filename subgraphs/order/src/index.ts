import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import type { KeySource, SigningKey } from '@shop/auth';
import { migrate, readMigrations, type Database } from '@shop/db';
import {
  eventsMigration,
  idempotentHandler,
  startRelay,
  TOPICS,
  type EventBus,
} from '@shop/events';
import { idempotencyMigrationSql } from '@shop/idempotency';
import { createServiceClient, createSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { createCartPort, createStockPort } from './clients';
import { createOrderLoaders } from './loaders';
import { createOrderRepo, ORDER_SCHEMA } from './repo';
import { resolvers, type OrderContext } from './resolvers';
import { createOrderService, type Logger } from './service';
import { log } from '@shop/log';

export {
  ORDER_STATUSES,
  TRANSITIONS,
  TERMINAL_STATUSES,
  nextStates,
  transition,
} from './state-machine';
export type { Actor, ActorKind, OrderStatus, TransitionRule } from './state-machine';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const ORDER_SUBGRAPH = 'order';
/** Consumer group (and dedupe namespace) of this subgraph's event consumers. */
export const ORDER_CONSUMER_GROUP = 'order';

export interface OrderSubgraphOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens (service tokens share this trust root). */
  gatewayKeys: KeySource;
  bus: EventBus;
  /** Signs this subgraph's service tokens to cart and product. */
  serviceKey: SigningKey;
  /** URLs of the subgraphs called by name (`cart`, `product`); read at call time. */
  serviceUrls: Record<string, string>;
  /** PENDING_PAYMENT → EXPIRED after this many seconds (default 900). */
  paymentTtlSeconds?: number;
  /** How often overdue orders are expired (default 10 s). */
  expirySweepIntervalMs?: number;
  port?: number;
  host?: string;
  logger?: Logger;
}

/** Migrates the `order` schema (tables, outbox, processed events, idempotency keys). */
export async function prepareOrderDatabase(database: Database): Promise<void> {
  await migrate(database, {
    schema: ORDER_SCHEMA,
    migrations: [
      ...readMigrations(new URL('../migrations/', import.meta.url)),
      eventsMigration(ORDER_SCHEMA),
      { name: '9001_idempotency.sql', sql: idempotencyMigrationSql(ORDER_SCHEMA) },
    ],
  });
}

/**
 * Starts the order subgraph with its outbox relay, its payment-event consumer and the sweeper
 * that expires unpaid orders; `stop()` stops all of them.
 */
export async function startOrderSubgraph(
  options: OrderSubgraphOptions,
): Promise<RunningSubgraph & { expireOverdueOrders(): Promise<number> }> {
  const { database, bus } = options;
  const logger = options.logger ?? log;
  const client = createServiceClient({
    self: ORDER_SUBGRAPH,
    key: options.serviceKey,
    // Not copied: the embedded runner fills in URLs after start.
    urls: options.serviceUrls,
  });
  const service = createOrderService({
    database,
    repo: createOrderRepo(database.db),
    cart: createCartPort(client),
    stock: createStockPort(client),
    paymentTtlSeconds: options.paymentTtlSeconds ?? 900,
    logger,
  });

  const relay = startRelay({ database, schema: ORDER_SCHEMA, bus });
  const subscription = await bus.subscribe({
    group: ORDER_CONSUMER_GROUP,
    topics: [TOPICS.payment],
    fromBeginning: true,
    handler: idempotentHandler(
      { database, schema: ORDER_SCHEMA, consumer: ORDER_CONSUMER_GROUP },
      (envelope, tx) => service.handlePaymentEvent(envelope, tx),
    ),
  });

  let sweeping: Promise<number> | undefined;
  const expireOverdueOrders = () => {
    sweeping ??= service.expireOverdueOrders().finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  };
  const sweeper = setInterval(() => {
    expireOverdueOrders().catch((error: unknown) =>
      logger.warn(`[order] expiry sweep failed: ${String(error)}`),
    );
  }, options.expirySweepIntervalMs ?? 10_000);
  sweeper.unref();

  let subgraph: RunningSubgraph;
  try {
    subgraph = await createSubgraph<OrderContext>({
      name: ORDER_SUBGRAPH,
      typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
      resolvers,
      gatewayKeys: options.gatewayKeys,
      context: (base) => ({
        ...base,
        service,
        loaders: createOrderLoaders(service, base.identity),
      }),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.host === undefined ? {} : { host: options.host }),
      readiness: () => database.ping(),
    });
  } catch (error) {
    clearInterval(sweeper);
    await subscription.stop();
    await relay.stop();
    throw error;
  }

  return {
    ...subgraph,
    expireOverdueOrders,
    async stop(timeoutMs) {
      clearInterval(sweeper);
      await subgraph.stop(timeoutMs);
      await subscription.stop();
      await sweeping?.catch(() => undefined);
      await relay.stop();
    },
  };
}
