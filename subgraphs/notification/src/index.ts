import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { createCartTokens, type KeySource } from '@shop/auth';
import { migrate, readMigrations, type Database } from '@shop/db';
import { eventsMigration, idempotentHandler, TOPICS, type EventBus } from '@shop/events';
import { createSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { createEmailOutboxChannel } from './channel';
import { createUserNotificationsLoader } from './loaders';
import { createPubSub, type PubSub } from './pubsub';
import { createNotificationQueries } from './repo';
import { resolvers, type NotificationContext } from './resolvers';
import { createNotificationService, type NotificationChannel, type Publication } from './service';

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

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const NOTIFICATION_SUBGRAPH = 'notification';
/** Postgres schema of the notification subgraph. */
export const NOTIFICATION_SCHEMA = 'notification';
/** Consumer group (and dedupe namespace) of the notification consumers. */
export const NOTIFICATION_CONSUMER_GROUP = 'notification';

export interface NotificationSubgraphOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens (HTTP requests and WebSocket connections). */
  gatewayKeys: KeySource;
  /** Bus the consumers read order, payment, cart and inventory events from. */
  bus: EventBus;
  /** The cart subgraph's guest-token secret; without it `cartUpdated` needs a signed-in owner. */
  cartTokenSecret?: string;
  /** Where new notifications are sent; default: `notification.email_outbox` + log. */
  channel?: NotificationChannel;
  /** Live events buffered per slow subscriber before the oldest are dropped; default 1000. */
  maxSubscriberBuffer?: number;
  port?: number;
  host?: string;
}

/** The running subgraph plus its in-process pub/sub (for tests and metrics). */
export interface RunningNotificationSubgraph extends RunningSubgraph {
  pubsub: PubSub;
}

/** Migrates the `notification` schema (read models, feed, email outbox, processed events). */
export async function prepareNotificationDatabase(database: Database): Promise<void> {
  await migrate(database, {
    schema: NOTIFICATION_SCHEMA,
    migrations: [
      ...readMigrations(new URL('../migrations/', import.meta.url)),
      eventsMigration(NOTIFICATION_SCHEMA),
    ],
  });
}

/**
 * Starts the notification subgraph: HTTP and WebSocket (graphql-ws) GraphQL, and the consumers
 * of order, payment, cart and inventory events (from the beginning of each topic). Live
 * subscribers are told about an event only after its transaction committed. `stop()` closes
 * the sockets, the server and the consumers.
 */
export async function startNotificationSubgraph(
  options: NotificationSubgraphOptions,
): Promise<RunningNotificationSubgraph> {
  const { database, bus } = options;
  const pubsub = createPubSub();
  const service = createNotificationService({
    reads: createNotificationQueries(database.db),
    queriesOf: (tx) => createNotificationQueries(tx),
    pubsub,
    channel: options.channel ?? createEmailOutboxChannel(),
    verifyCartToken: options.cartTokenSecret
      ? createCartTokens(options.cartTokenSecret).verify
      : undefined,
    ...(options.maxSubscriberBuffer ? { maxBuffer: options.maxSubscriberBuffer } : {}),
  });

  const consumer = await bus.subscribe({
    group: NOTIFICATION_CONSUMER_GROUP,
    topics: [TOPICS.order, TOPICS.payment, TOPICS.cart, TOPICS.inventory],
    fromBeginning: true,
    handler: async (envelope) => {
      let publications: Publication[] = [];
      await idempotentHandler(
        { database, schema: NOTIFICATION_SCHEMA, consumer: NOTIFICATION_CONSUMER_GROUP },
        async (event, tx) => {
          publications = await service.handleEvent(event, tx);
        },
      )(envelope);
      // Committed: now (and only now) live subscribers may see it.
      service.publish(publications);
    },
  });

  let subgraph: RunningSubgraph;
  try {
    subgraph = await createSubgraph<NotificationContext>({
      name: NOTIFICATION_SUBGRAPH,
      typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
      resolvers,
      gatewayKeys: options.gatewayKeys,
      context: (base) => ({
        ...base,
        service,
        loadNotifications: createUserNotificationsLoader(service, base.identity),
      }),
      subscriptions: true,
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.host === undefined ? {} : { host: options.host }),
      readiness: () => database.ping(),
    });
  } catch (error) {
    await consumer.stop();
    throw error;
  }
  return {
    ...subgraph,
    pubsub,
    async stop(timeoutMs) {
      await subgraph.stop(timeoutMs);
      await consumer.stop();
    },
  };
}
