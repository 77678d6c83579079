import { fileURLToPath } from 'node:url';
import { startKafkaCluster } from '@shop/testing';

/** The Kafka cluster the services of one cluster run use. */
export interface ClusterKafka {
  /** Bootstrap brokers (`KAFKA_BROKERS`). */
  brokers: string[];
  /** Takes broker `id` (1-based) down / up again. */
  down(id: number): Promise<void>;
  up(id: number): Promise<void>;
  /** Modules every service process preloads (`--import`) to work with this cluster. */
  preload: string[];
  /** What runs, for the report. */
  description: string;
  stop(): Promise<void>;
}

/**
 * THE one place that decides how the cluster talks to Kafka: librdkafka's mock cluster behind
 * the `startKafkaCluster` proxies, on which the production defaults work (idempotent producer,
 * topics created by the admin client). Every service process preloads kafka-compat.ts, which
 * only works around the mock group coordinator's SyncGroup defects (see there); against a real
 * Kafka, return `preload: []`.
 */
export async function startClusterKafka(brokers = 3): Promise<ClusterKafka> {
  const cluster = await startKafkaCluster(brokers);
  return {
    brokers: cluster.brokers,
    down: (id) => cluster.down(id),
    up: (id) => cluster.up(id),
    preload: [fileURLToPath(new URL('./kafka-compat.ts', import.meta.url))],
    description: `librdkafka mock behind startKafkaCluster proxies, ${brokers} brokers: idempotent producer and admin createTopics on (defaults); mock coordinator SyncGroup workarounds`,
    stop: () => cluster.stop(),
  };
}
