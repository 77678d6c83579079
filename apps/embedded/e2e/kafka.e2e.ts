import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '@shop/events';
import { startKafkaCluster, startKafkaMock, type KafkaMock } from '@shop/testing';
import { startEmbeddedGraph } from '../src/embedded';
import { eventually, placeOrder, startTestGraph } from './harness';
import { ORDER } from './operations';

/**
 * The production Kafka configuration (idempotent producer, topics created by the admin client)
 * end to end: the whole graph on `KAFKA_BROKERS` = three proxied mock brokers, no topic created
 * beforehand. And on the raw mock, whose controller does not exist, start-up fails at once.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('kafka with the production defaults', () => {
  it('a paid order reaches PAYMENT_AUTHORIZED through the gateway on a 3-broker cluster', async () => {
    const cluster: KafkaMock = await startKafkaCluster(3);
    cleanups.push(() => cluster.stop());
    const t = await startTestGraph(process.env.DATABASE_URL ? 'postgres' : 'pglite', {
      kafkaBrokers: cluster.brokers,
    });
    cleanups.push(() => t.stop());

    const products = await t.gql(
      `query { products(first: 1) { edges { node { variants { id } } } } }`,
    );
    const variantId = products.body.data?.products.edges[0].node.variants[0].id as string;
    const customer = await t.newCustomer();
    const orderId = await placeOrder(t, customer.token, [{ variantId, quantity: 1 }], {
      pay: true,
    });
    // payment.authorized travels payment -> Kafka -> order: the status moves only if the
    // idempotent producer published it.
    await eventually(
      async () =>
        (await t.gql(ORDER, { id: orderId }, customer.token)).body.data?.order.status ===
        'PAYMENT_AUTHORIZED',
      60_000,
    );

    // The topics exist because the bus created them (3 partitions each, the bus's default).
    const admin = new kafkajs.Kafka({
      brokers: cluster.brokers,
      clientId: 'kafka-e2e',
      logLevel: kafkajs.logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: Object.values(TOPICS) });
    await admin.disconnect();
    expect(metadata.topics.map((topic) => topic.partitions.length)).toEqual(
      Object.values(TOPICS).map(() => 3),
    );
  });

  it('start-up fails fast with one KafkaCapabilityError on brokers without a controller', async () => {
    const raw = await startKafkaMock(3);
    cleanups.push(() => raw.stop());
    const started = Date.now();
    const failure: unknown = await startEmbeddedGraph({
      port: 0,
      seed: false,
      kafkaBrokers: raw.brokers,
    }).then(
      async (graph) => {
        await graph.stop();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      name: 'KafkaCapabilityError',
      code: 'KAFKA_CREATE_TOPICS_UNAVAILABLE',
    });
    expect((failure as Error).message).toContain('Broker 0 not found in the cached metadata');
    expect((failure as Error).message).toContain('createTopics: false');
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('`pnpm start` on brokers without a controller exits 1 with one error line, no stack', async () => {
    const raw = await startKafkaMock(3);
    cleanups.push(() => raw.stop());
    const dataDir = mkdtempSync(join(tmpdir(), 'shop-kafka-start-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...inherited } = process.env;
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['apps/embedded/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...inherited,
        KAFKA_BROKERS: raw.brokers.join(','),
        PORT: '0',
        SUBGRAPH_PORTS: 'random',
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);

    expect(code).toBe(1);
    const lines = stderr.split('\n').filter((line) => line.trim() !== '');
    // No stack trace, no retry loop: one line about Kafka, the typed error with its cause.
    expect(lines.filter((line) => /^\s+at /.test(line))).toEqual([]);
    const kafkaLines = lines.filter((line) => /kafka/i.test(line));
    expect(kafkaLines).toHaveLength(1);
    expect(kafkaLines[0]).toMatch(
      /^\[process\] .*; exiting: KafkaCapabilityError \[KAFKA_CREATE_TOPICS_UNAVAILABLE\]: Kafka at .* cannot create topics: .*Broker 0 not found in the cached metadata.*KAFKA_BROKERS/,
    );
  }, 120_000);
});
