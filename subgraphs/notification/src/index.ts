import type { KeySource } from '@shop/auth';
import type { Database } from '@shop/db';
import type { EventBus } from '@shop/events';
import { prepareSubgraphDatabase, startSubgraph, type RunningSubgraph } from '@shop/subgraph';
import {
  notificationSubgraph,
  type NotificationExposed,
  type NotificationOptions,
} from './subgraph';

export { createEmailOutboxChannel, createLogChannel } from './channel';
export { createPubSub, createLiveStream } from './pubsub';
export type { PubSub, LiveStream, LiveStreamOptions, LoadedPage } from './pubsub';
export { topics } from './service';
export type {
  CartUpdatedEvent,
  NotificationChannel,
  OrderStatusEvent,
  PaymentStatusEvent,
} from './service';
export type { NotificationRow } from './tables';

export { NOTIFICATION_CONSUMER_GROUP, NOTIFICATION_SCHEMA, notificationSubgraph } from './subgraph';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const NOTIFICATION_SUBGRAPH = notificationSubgraph.name;

export interface NotificationSubgraphOptions extends NotificationOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens (HTTP requests and WebSocket connections). */
  gatewayKeys: KeySource;
  /** Bus the consumers read order, payment, cart and inventory events from. */
  bus: EventBus;
  port?: number;
  host?: string;
}

/** The running subgraph plus its in-process pub/sub (for tests and metrics). */
export type RunningNotificationSubgraph = RunningSubgraph & NotificationExposed;

/** Migrates the `notification` schema (read models, feed, email outbox, processed events). */
export function prepareNotificationDatabase(database: Database): Promise<void> {
  return prepareSubgraphDatabase(notificationSubgraph, database, {});
}

/**
 * Starts the notification subgraph: HTTP and WebSocket (graphql-ws) GraphQL, and the consumers
 * of order, payment, cart and inventory events (from the beginning of each topic). Live
 * subscribers are told about an event only after its transaction committed. `stop()` closes
 * the sockets, the server and the consumers.
 */
export function startNotificationSubgraph(
  options: NotificationSubgraphOptions,
): Promise<RunningNotificationSubgraph> {
  return startSubgraph(notificationSubgraph, options);
}
