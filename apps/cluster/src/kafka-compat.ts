/**
 * Preloaded (`--import`) into every cluster process: works around two defects of the group
 * coordinator of librdkafka's mock cluster (2.0.2) that the suite's Kafka runs on. The production
 * settings stay as they are (idempotent producer, topics created by the admin client: the
 * `startKafkaCluster` proxy makes the mock serve both); only consumer-group timing changes. It
 * swaps `Kafka` in the shared kafkajs module for a subclass whose requests may wait longer
 * (MOCK_REQUEST_TIMEOUT_MS) and whose group leaders hand out assignments a little later
 * (MOCK_LEADER_SYNC_DELAY_MS). It must run before @shop/events is imported (kafka-bus.ts reads
 * `Kafka` when it is evaluated).
 */
import { createRequire } from 'node:module';
import type * as KafkaJs from 'kafkajs';

const require = createRequire(new URL('../../../infra/events/package.json', import.meta.url));
const kafkajs = require('kafkajs') as typeof KafkaJs;
const Original = kafkajs.Kafka;

/**
 * Request timeout against the mock. Its group coordinator holds each SyncGroup until every member
 * has sent one; with kafkajs' 5 s timeout (set by kafka-bus.ts) a member that waits longer for a
 * starved peer (16 processes on 2 cores) sends it again, and the repeat, arriving when the group
 * is already up, is answered INVALID_REQUEST, which crashes the consumer.
 */
const MOCK_REQUEST_TIMEOUT_MS = 30_000;

/**
 * How long the group leader waits before it hands out the assignment. The mock coordinator
 * (librdkafka 2.0.2) marks the group up as soon as the leader's SyncGroup (which carries every
 * member's assignment) arrives; a follower whose SyncGroup comes after that is answered
 * INVALID_REQUEST and its consumer crashes. A joining replica is always the follower and, while it
 * starts up on a busy CPU, often the slower one: the delay lets its SyncGroup arrive first.
 */
const MOCK_LEADER_SYNC_DELAY_MS = 2_000;

type Assigner = ReturnType<KafkaJs.PartitionAssigner>;

/** kafkajs' round-robin assigner (same protocol name), answering after the delay above. */
const delayedRoundRobin: KafkaJs.PartitionAssigner = (config) => {
  const inner: Assigner = kafkajs.PartitionAssigners.roundRobin(config);
  return {
    name: inner.name,
    version: inner.version,
    protocol: (subscription) => inner.protocol(subscription),
    async assign(group) {
      await new Promise((resolve) => setTimeout(resolve, MOCK_LEADER_SYNC_DELAY_MS));
      return inner.assign(group);
    },
  };
};

class MockCompatibleKafka extends Original {
  constructor(config: ConstructorParameters<typeof Original>[0]) {
    super({ ...config, requestTimeout: MOCK_REQUEST_TIMEOUT_MS });
  }

  override consumer(config: Parameters<InstanceType<typeof Original>['consumer']>[0]) {
    return super.consumer({ ...config, partitionAssigners: [delayedRoundRobin] });
  }
}

(kafkajs as { Kafka: typeof Original }).Kafka = MockCompatibleKafka;
