import type { HttpMetrics } from '@shop/http';
import { Counter, Gauge } from 'prom-client';
import type { ConnectionsPerIp } from './connections';
import type { FederatedSubscriptionEngine } from './engine';

/** Subscription counts and refusals on the gateway's registry, read at scrape time. */
export function registerSubscriptionMetrics(
  metrics: HttpMetrics,
  engine: FederatedSubscriptionEngine,
  connections: ConnectionsPerIp,
): void {
  const registers = [metrics.registry];
  const labelNames = ['service'] as const;
  const labels = { service: metrics.service };
  new Counter({
    name: 'shopgraph_subscription_connections_refused_total',
    help: 'graphql-ws sockets (closed 4429) and multipart streams (429) refused: client IP at its connection cap',
    labelNames,
    registers,
    collect() {
      this.reset();
      this.inc(labels, connections.refused);
    },
  });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.set(labels, read());
      },
    });
  gauge(
    'shopgraph_subscriptions_active',
    'Client subscriptions served',
    () => engine.stats().clientSubscriptions,
  );
  gauge(
    'shopgraph_subscription_upstreams_active',
    'Subscriptions open at the subgraphs (shared by every client subscribing to the same thing)',
    () => engine.stats().upstreamSubscriptions,
  );
}
