import type { HttpMetrics } from '@shop/http';
import { scrapeTimeMetrics } from '../metrics';
import type { ConnectionsPerIp } from './connections';
import type { FederatedSubscriptionEngine } from './engine';

/** Subscription counts and refusals on the gateway's registry, read at scrape time. */
export function registerSubscriptionMetrics(
  metrics: HttpMetrics,
  engine: FederatedSubscriptionEngine,
  connections: ConnectionsPerIp,
): void {
  const { counter, gauge } = scrapeTimeMetrics(metrics);
  counter(
    'shopgraph_subscription_connections_refused_total',
    'graphql-ws sockets (closed 4429) and multipart streams (429) refused: client IP at its connection cap',
    () => connections.refused,
  );
  gauge(
    'shopgraph_subscriptions_active',
    'Client subscriptions served',
    () => engine.stats().clientSubscriptions,
  );
  counter(
    'shopgraph_subscription_duplicates_dropped_total',
    'Upstream events dropped after a resume because their cursor had already been dispatched',
    () => engine.stats().duplicatesDropped,
  );
  gauge(
    'shopgraph_subscription_upstreams_active',
    'Subscriptions open at the subgraphs (shared by every client subscribing to the same thing)',
    () => engine.stats().upstreamSubscriptions,
  );
}
