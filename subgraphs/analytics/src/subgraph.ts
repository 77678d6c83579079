import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { TOPICS } from '@shop/events';
import { defineSubgraph } from '@shop/subgraph';
import { createAnalyticsQueries } from './repo';
import { resolvers, type AnalyticsContext } from './resolvers';
import { createAnalyticsService, type Logger } from './service';

/** Postgres schema of the analytics subgraph. */
export const ANALYTICS_SCHEMA = 'analytics';
/** Consumer group (and dedupe namespace) of the analytics consumers. */
export const ANALYTICS_CONSUMER_GROUP = 'analytics';
/** Topics the analytics consumers read (from the beginning). */
export const ANALYTICS_TOPICS = [TOPICS.apiUsage, TOPICS.order, TOPICS.payment, TOPICS.cart];

/** The analytics subgraph's own start options. */
export interface AnalyticsOptions {
  /** The current time for `apiUsageUpdated` snapshots; default `() => new Date()`. */
  clock?: () => Date;
  /** Warnings about skipped (malformed) events; default the shared redacting logger (`@shop/log`). */
  logger?: Logger;
}

/**
 * The analytics subgraph: API usage and sales read models (HTTP and WebSocket), fed by the
 * consumer of `analytics.api-usage.v1`, `order.events.v1`, `payment.events.v1` and
 * `cart.events.v1` (group `analytics`; effects exactly once per event id).
 */
export const analyticsSubgraph = defineSubgraph<AnalyticsOptions, AnalyticsContext>({
  name: 'analytics',
  schema: ANALYTICS_SCHEMA,
  migrations: new URL('../migrations/', import.meta.url),
  consumes: true,
  typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
  resolvers,
  subscriptions: true,
  setup({ database, options }) {
    const service = createAnalyticsService({
      reads: createAnalyticsQueries(database.db),
      queriesOf: (tx) => createAnalyticsQueries(tx),
      clock: options.clock ?? (() => new Date()),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return {
      context: (base) => ({ ...base, service }),
      consumers: [
        {
          group: ANALYTICS_CONSUMER_GROUP,
          topics: ANALYTICS_TOPICS,
          handle: (envelope, tx) => service.handleEvent(envelope, tx),
        },
      ],
    };
  },
});
