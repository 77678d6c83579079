import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import type { KeySource } from '@shop/auth';
import { migrate, readMigrations, type Database } from '@shop/db';
import { eventsMigration, idempotentHandler, TOPICS, type EventBus } from '@shop/events';
import { createSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { createAnalyticsQueries } from './repo';
import { resolvers, type AnalyticsContext } from './resolvers';
import { createAnalyticsService, type Logger } from './service';

export {
  LATENCY_BOUNDS_MS,
  bucketIndex,
  bucketRange,
  exactPercentile,
  percentile,
} from './histogram';
export type { Histogram } from './histogram';
export { USAGE_EVENT_TYPE, parseUsageEvent, weightOf } from './service';
export type { UsageEventData, UsageGroupBy, OperationType } from './service';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const ANALYTICS_SUBGRAPH = 'analytics';
/** Postgres schema of the analytics subgraph. */
export const ANALYTICS_SCHEMA = 'analytics';
/** Consumer group (and dedupe namespace) of the analytics consumers. */
export const ANALYTICS_CONSUMER_GROUP = 'analytics';
/** Topics the analytics consumers read (from the beginning). */
export const ANALYTICS_TOPICS = [TOPICS.apiUsage, TOPICS.order, TOPICS.payment, TOPICS.cart];

export interface AnalyticsSubgraphOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens (HTTP requests and WebSocket connections). */
  gatewayKeys: KeySource;
  /** Bus the consumers read usage, order, payment and cart events from. */
  bus: EventBus;
  port?: number;
  host?: string;
  /** The current time for `apiUsageUpdated` snapshots; default `() => new Date()`. */
  clock?: () => Date;
  /** Warnings about skipped (malformed) events; default the shared redacting logger (`@shop/log`). */
  logger?: Logger;
}

/** Migrates the `analytics` schema (usage rollups, sales facts, processed events). */
export async function prepareAnalyticsDatabase(database: Database): Promise<void> {
  await migrate(database, {
    schema: ANALYTICS_SCHEMA,
    migrations: [
      ...readMigrations(new URL('../migrations/', import.meta.url)),
      eventsMigration(ANALYTICS_SCHEMA),
    ],
  });
}

/**
 * Starts the analytics subgraph: HTTP and WebSocket (graphql-ws) GraphQL, and the consumers of
 * `analytics.api-usage.v1`, `order.events.v1`, `payment.events.v1` and `cart.events.v1` (group
 * `analytics`, from the beginning; effects exactly once per event id). `stop()` closes the
 * sockets, the server and the consumers.
 */
export async function startAnalyticsSubgraph(
  options: AnalyticsSubgraphOptions,
): Promise<RunningSubgraph> {
  const { database, bus } = options;
  const service = createAnalyticsService({
    reads: createAnalyticsQueries(database.db),
    queriesOf: (tx) => createAnalyticsQueries(tx),
    clock: options.clock ?? (() => new Date()),
    ...(options.logger ? { logger: options.logger } : {}),
  });

  const consumer = await bus.subscribe({
    group: ANALYTICS_CONSUMER_GROUP,
    topics: ANALYTICS_TOPICS,
    fromBeginning: true,
    handler: idempotentHandler(
      { database, schema: ANALYTICS_SCHEMA, consumer: ANALYTICS_CONSUMER_GROUP },
      (envelope, tx) => service.handleEvent(envelope, tx),
    ),
  });

  let subgraph: RunningSubgraph;
  try {
    subgraph = await createSubgraph<AnalyticsContext>({
      name: ANALYTICS_SUBGRAPH,
      typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
      resolvers,
      gatewayKeys: options.gatewayKeys,
      context: (base) => ({ ...base, service }),
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
    async stop(timeoutMs) {
      await subgraph.stop(timeoutMs);
      await consumer.stop();
    },
  };
}
