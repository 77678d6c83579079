import type { KeySource } from '@shop/auth';
import type { Database } from '@shop/db';
import type { EventBus } from '@shop/events';
import { prepareSubgraphDatabase, startSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { analyticsSubgraph, type AnalyticsOptions } from './subgraph';

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

export {
  ANALYTICS_CONSUMER_GROUP,
  ANALYTICS_SCHEMA,
  ANALYTICS_TOPICS,
  analyticsSubgraph,
} from './subgraph';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const ANALYTICS_SUBGRAPH = analyticsSubgraph.name;

export interface AnalyticsSubgraphOptions extends AnalyticsOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens (HTTP requests and WebSocket connections). */
  gatewayKeys: KeySource;
  /** Bus the consumers read usage, order, payment and cart events from. */
  bus: EventBus;
  port?: number;
  host?: string;
}

/** Migrates the `analytics` schema (usage rollups, sales facts, processed events). */
export function prepareAnalyticsDatabase(database: Database): Promise<void> {
  return prepareSubgraphDatabase(analyticsSubgraph, database, {});
}

/**
 * Starts the analytics subgraph: HTTP and WebSocket (graphql-ws) GraphQL, and the consumers of
 * `analytics.api-usage.v1`, `order.events.v1`, `payment.events.v1` and `cart.events.v1` (group
 * `analytics`, from the beginning; effects exactly once per event id). `stop()` closes the
 * sockets, the server and the consumers.
 */
export function startAnalyticsSubgraph(
  options: AnalyticsSubgraphOptions,
): Promise<RunningSubgraph> {
  return startSubgraph(analyticsSubgraph, options);
}
