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
export { createLiveStream, LIVE_CHANNEL, startWakeups } from './live';
export type { LiveStream, LiveStreamOptions, LiveWakeupMode, LoadedPage, Wakeups } from './live';
export { topics } from './service';
export type {
  CartUpdatedEvent,
  NotificationChannel,
  OrderStatusEvent,
  PaymentStatusEvent,
} from './service';
export type { NotificationRow } from './tables';

export {
  DEFAULT_STREAM_RETENTION_MS,
  NOTIFICATION_CONSUMER_GROUP,
  NOTIFICATION_SCHEMA,
  notificationOptionsFromEnv,
  notificationSubgraph,
} from './subgraph';
export type { NotificationEnv } from './subgraph';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const NOTIFICATION_SUBGRAPH = notificationSubgraph.name;

export interface NotificationSubgraphOptions extends NotificationOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens (HTTP requests and WebSocket connections). */
  gatewayKeys: KeySource;
  /**
   * Bus the consumers read order, payment, cart and inventory events from. Without one the
   * replica runs no consumer: it serves queries and subscriptions of what other replicas apply.
   */
  bus?: EventBus;
  port?: number;
  host?: string;
}

/** The running subgraph plus its live wake-ups and journal purge (for tests and metrics). */
export type RunningNotificationSubgraph = RunningSubgraph & NotificationExposed;

/** Migrates the `notification` schema (read models, feed, email outbox, processed events). */
export function prepareNotificationDatabase(database: Database): Promise<void> {
  return prepareSubgraphDatabase(notificationSubgraph, database, {});
}

/**
 * Starts the notification subgraph: HTTP and WebSocket (graphql-ws) GraphQL, and the consumers
 * of order, payment, cart and inventory events (from the beginning of each topic). Live
 * subscribers (on every replica) are told about an event only after its transaction committed.
 * `stop()` closes the sockets, the server, the consumers and the listening connection.
 */
export function startNotificationSubgraph(
  options: NotificationSubgraphOptions,
): Promise<RunningNotificationSubgraph> {
  return startSubgraph(notificationSubgraph, options);
}
