import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { createCartTokens } from '@shop/auth';
import { TOPICS } from '@shop/events';
import { defineSubgraph } from '@shop/subgraph';
import { createEmailOutboxChannel } from './channel';
import { createUserNotificationsLoader } from './loaders';
import { createPubSub, type PubSub } from './pubsub';
import { createNotificationQueries } from './repo';
import { resolvers, type NotificationContext } from './resolvers';
import { createNotificationService, type NotificationChannel } from './service';

/** Postgres schema of the notification subgraph. */
export const NOTIFICATION_SCHEMA = 'notification';
/** Consumer group (and dedupe namespace) of the notification consumers. */
export const NOTIFICATION_CONSUMER_GROUP = 'notification';

/** The notification subgraph's own start options. */
export interface NotificationOptions {
  /** The cart subgraph's guest-token secret; without it `cartUpdated` needs a signed-in owner. */
  cartTokenSecret?: string;
  /** Where new notifications are sent; default: `notification.email_outbox` + log. */
  channel?: NotificationChannel;
  /** Live events buffered per slow subscriber before the oldest are dropped; default 1000. */
  maxSubscriberBuffer?: number;
}

/** What the running notification subgraph adds: its in-process pub/sub (tests, metrics). */
export interface NotificationExposed {
  pubsub: PubSub;
}

/**
 * The notification subgraph: the feed and live subscriptions (HTTP and WebSocket), fed by the
 * consumer of order, payment, cart and inventory events. Live subscribers are told about an
 * event only after its transaction committed.
 */
export const notificationSubgraph = defineSubgraph<
  NotificationOptions,
  NotificationContext,
  object,
  NotificationExposed
>({
  name: 'notification',
  schema: NOTIFICATION_SCHEMA,
  migrations: new URL('../migrations/', import.meta.url),
  consumes: true,
  typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
  resolvers,
  subscriptions: true,
  setup({ database, options }) {
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
    return {
      context: (base) => ({
        ...base,
        service,
        loadNotifications: createUserNotificationsLoader(service, base.identity),
      }),
      consumers: [
        {
          group: NOTIFICATION_CONSUMER_GROUP,
          topics: [TOPICS.order, TOPICS.payment, TOPICS.cart, TOPICS.inventory],
          handle: async (envelope, tx) => {
            const publications = await service.handleEvent(envelope, tx);
            return () => service.publish(publications);
          },
        },
      ],
      exposed: { pubsub },
    };
  },
});
