import type { HttpMetrics } from '@shop/http';
import { Counter, Gauge } from 'prom-client';
import type { FetchDedup } from './dedup';
import type { ResponseCache } from './response-cache';
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

/** Counters and gauges on `metrics`' registry whose values are read at scrape time. */
export function scrapeTimeMetrics(metrics: HttpMetrics) {
  const registers = [metrics.registry];
  const labelNames = ['service'] as const;
  const labels = { service: metrics.service };
  return {
    counter: (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          this.inc(labels, read());
        },
      }),
    gauge: (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.set(labels, read());
        },
      }),
  };
}

/** Response cache hits, misses, invalidations and size, read from `cache.stats()` at scrape time. */
export function registerResponseCacheMetrics(metrics: HttpMetrics, cache: ResponseCache): void {
  const { counter, gauge } = scrapeTimeMetrics(metrics);
  counter(
    'shopgraph_response_cache_hits_total',
    'Operations answered from the response cache',
    () => cache.stats().hits,
  );
  counter(
    'shopgraph_response_cache_misses_total',
    'Cacheable operations not found in the response cache',
    () => cache.stats().misses,
  );
  counter(
    'shopgraph_response_cache_invalidations_total',
    'Response cache clears caused by catalog/inventory events',
    () => cache.stats().invalidations,
  );
  gauge('shopgraph_response_cache_entries', 'Responses held', () => cache.stats().entries);
  gauge('shopgraph_response_cache_bytes', 'Bytes of cached responses', () => cache.stats().bytes);
}

/** Entity cache hits and misses (per representation) and size, read at scrape time. */
export function registerEntityCacheMetrics(metrics: HttpMetrics, store: ResponseCache): void {
  const { counter, gauge } = scrapeTimeMetrics(metrics);
  counter(
    'shopgraph_entity_cache_hits_total',
    'Entity representations answered from the entity cache',
    () => store.stats().hits,
  );
  counter(
    'shopgraph_entity_cache_misses_total',
    'Cacheable entity representations sent to the subgraph',
    () => store.stats().misses,
  );
  gauge('shopgraph_entity_cache_entries', 'Entities held', () => store.stats().entries);
  gauge('shopgraph_entity_cache_bytes', 'Bytes of cached entities', () => store.stats().bytes);
}

/** Subgraph fetches answered by an identical in-flight fetch's request (dedup.ts). */
export function registerSubgraphDedupMetrics(metrics: HttpMetrics, dedup: FetchDedup): void {
  const { counter, gauge } = scrapeTimeMetrics(metrics);
  counter(
    'shopgraph_subgraph_fetches_deduplicated_total',
    'Subgraph query fetches that shared an identical in-flight request instead of sending one',
    () => dedup.stats().deduplicated,
  );
  gauge(
    'shopgraph_subgraph_fetches_shared_in_flight',
    'Shareable subgraph query requests under way',
    () => dedup.stats().inFlight,
  );
}
