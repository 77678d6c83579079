import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { createCartTokens } from '@shop/auth';
import { TOPICS } from '@shop/events';
import { defineSubgraph } from '@shop/subgraph';
import { queueAccountEmail } from './account-emails';
import { createEmailOutboxChannel } from './channel';
import { createUserNotificationsLoader } from './loaders';
import { startWakeups, type LiveWakeupMode, type Wakeups } from './live';
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
  /**
   * How live streams hear of new items (`NOTIFICATION_LIVE_WAKEUPS`); default `postgres` on
   * Postgres, `process` on the embedded database. `process` is correct only when one process
   * serves every subscription: with several replicas it loses live events (see {@link LiveWakeupMode}).
   */
  liveWakeups?: LiveWakeupMode;
  /** How long the state streams' journal keeps a version, in ms; default 24 h (the latest stays). */
  streamRetentionMs?: number;
  /** How often the journal purge runs, in ms; default 10 minutes. */
  streamPurgeIntervalMs?: number;
  /**
   * How long `orderStatusChanged`, `paymentStatusChanged` and `cartUpdated` wait for an order,
   * payment or cart this service has not heard of yet, in ms; default 2 minutes.
   */
  pendingStreamMs?: number;
}

/** What the running notification subgraph adds (tests, metrics). */
export interface NotificationExposed {
  /** This replica's live wake-ups (its listeners by topic). */
  wakeups: Wakeups;
  /** Runs the journal purge once; returns how many rows it deleted. */
  purgeStreamItems(): Promise<number>;
}

/** Default retention of the state streams' journal: 24 h. */
export const DEFAULT_STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Journal rows deleted per statement of the purge. */
const PURGE_BATCH = 5_000;

/**
 * The notification subgraph: the feed and live subscriptions (HTTP and WebSocket), fed by the
 * consumer of order, payment, cart and inventory events. The consumer (one consumer group shared
 * by the replicas, so each event is applied once) writes the read models, the feed and the state
 * streams' journal, and wakes the live streams of EVERY replica once its transaction committed (`pg_notify`); the
 * streams then read the store after their last position (docs/SUBSCRIPTIONS.md).
 */
/** The environment `src/main.ts` reads (see `src/env.ts`). */
export interface NotificationEnv {
  CART_TOKEN_SECRET?: string | undefined;
  NOTIFICATION_LIVE_WAKEUPS?: LiveWakeupMode | undefined;
  NOTIFICATION_STREAM_RETENTION_HOURS: number;
}

/** The subgraph's own options from its environment (`NOTIFICATION_*`, `CART_TOKEN_SECRET`). */
export function notificationOptionsFromEnv(env: NotificationEnv): NotificationOptions {
  return {
    ...(env.CART_TOKEN_SECRET ? { cartTokenSecret: env.CART_TOKEN_SECRET } : {}),
    ...(env.NOTIFICATION_LIVE_WAKEUPS ? { liveWakeups: env.NOTIFICATION_LIVE_WAKEUPS } : {}),
    streamRetentionMs: env.NOTIFICATION_STREAM_RETENTION_HOURS * 60 * 60 * 1000,
  };
}

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
  async setup({ database, options }) {
    const wakeups = await startWakeups(
      database,
      options.liveWakeups ?? (database.kind === 'postgres' ? 'postgres' : 'process'),
    );
    const reads = createNotificationQueries(database.db);
    const service = createNotificationService({
      reads,
      queriesOf: (tx) => createNotificationQueries(tx),
      wakeups,
      channel: options.channel ?? createEmailOutboxChannel(),
      verifyCartToken: options.cartTokenSecret
        ? createCartTokens(options.cartTokenSecret).verify
        : undefined,
      ...(options.pendingStreamMs !== undefined
        ? { pendingStreamMs: options.pendingStreamMs }
        : {}),
    });
    const retentionMs = options.streamRetentionMs ?? DEFAULT_STREAM_RETENTION_MS;
    /** Deletes journal rows past the retention (never a topic's latest); safe on every replica. */
    const purgeStreamItems = async () => {
      let total = 0;
      for (;;) {
        const deleted = await reads.purgeStreamItems(retentionMs, PURGE_BATCH);
        total += deleted;
        if (deleted < PURGE_BATCH) return total;
      }
    };
    return {
      context: (base) => ({
        ...base,
        service,
        loadNotifications: createUserNotificationsLoader(service, base.identity),
      }),
      consumers: [
        {
          group: NOTIFICATION_CONSUMER_GROUP,
          topics: [TOPICS.order, TOPICS.payment, TOPICS.cart, TOPICS.inventory, TOPICS.user],
          handle: async (envelope, tx) => {
            // Account emails (password reset, email verification): queued, no feed item.
            if (envelope.topic === TOPICS.user) return queueAccountEmail(envelope, tx);
            return wakeups.announce(tx, await service.handleEvent(envelope, tx));
          },
        },
      ],
      jobs: [
        {
          name: 'stream journal purge',
          everyMs: options.streamPurgeIntervalMs ?? 10 * 60 * 1000,
          run: purgeStreamItems,
        },
      ],
      close: () => wakeups.close(),
      exposed: { wakeups, purgeStreamItems },
    };
  },
});
