import type { HttpMetrics } from '@shop/http';
import { Counter, Gauge } from 'prom-client';
import type { UsageReporter } from './usage';

/**
 * Gateway-only metrics on the gateway server's registry: the usage reporter's counters, read
 * from `usage.stats()` at scrape time.
 */
export function registerUsageMetrics(metrics: HttpMetrics, usage: UsageReporter): void {
  const registers = [metrics.registry];
  const labelNames = ['service'] as const;
  const labels = { service: metrics.service };
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        this.inc(labels, read());
      },
    });
  counter(
    'shopgraph_usage_events_published_total',
    'API usage events published to the bus',
    () => usage.stats().published,
  );
  counter(
    'shopgraph_usage_events_dropped_total',
    'API usage events dropped (buffer full, failed publish, after stop)',
    () => usage.stats().dropped,
  );
  counter(
    'shopgraph_usage_publish_failures_total',
    'Failed or timed-out publishes of usage event batches',
    () => usage.stats().failedPublishes,
  );
  new Gauge({
    name: 'shopgraph_usage_events_queued',
    help: 'API usage events waiting to be published',
    labelNames,
    registers,
    collect() {
      this.set(labels, usage.stats().queued);
    },
  });
}
