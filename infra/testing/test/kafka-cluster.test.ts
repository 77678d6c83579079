import { connect } from 'node:net';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startKafkaCluster } from '../src/kafka-cluster';
import { startKafkaMock, type KafkaMock } from '../src/kafka-mock';

const { Kafka, logLevel, Partitioners } = kafkajs;

const running: KafkaMock[] = [];
afterAll(async () => {
  await Promise.all(running.map((cluster) => cluster.stop()));
});

const client = (brokers: string[]) =>
  new Kafka({
    brokers,
    clientId: 'kafka-cluster-test',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 1, initialRetryTime: 100 },
  });

/** Resolves with the connection's fate: `connected`, or the error code (e.g. ECONNREFUSED). */
const tryConnect = (address: string) =>
  new Promise<string>((resolve) => {
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), address.split(':').pop()];
    const socket = connect(Number(port), host);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });

/** Sends one raw request (api key, version, body) to `address`; resolves with the response body
 * after its correlation id. Raw so that no client picks a broker of its own choosing. */
const rawRequest = (address: string, apiKey: number, version: number, payload: Buffer) =>
  new Promise<Buffer>((resolve, reject) => {
    const socket = connect(Number(address.split(':').pop()), '127.0.0.1');
    const clientId = Buffer.from('raw');
    const header = Buffer.alloc(2 + 2 + 4 + 2);
    let at = header.writeInt16BE(apiKey, 0);
    at = header.writeInt16BE(version, at);
    at = header.writeInt32BE(7, at); // correlation id
    header.writeInt16BE(clientId.length, at);
    const body = Buffer.concat([header, clientId, payload]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length, 0);
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.destroy();
      resolve(received.subarray(8, 4 + received.readInt32BE(0)));
    });
    socket.once('error', reject);
    socket.write(Buffer.concat([size, body]));
  });

const shortString = (value: string) => {
  const length = Buffer.alloc(2);
  length.writeInt16BE(Buffer.byteLength(value), 0);
  return Buffer.concat([length, Buffer.from(value)]);
};

/** FindCoordinator v0 for `group`, decoded. */
const findCoordinator = async (address: string, group: string) => {
  const body = await rawRequest(address, 10, 0, shortString(group));
  const hostLength = body.readInt16BE(6);
  return {
    error: body.readInt16BE(0),
    nodeId: body.readInt32BE(2),
    host: body.toString('utf8', 8, 8 + hostLength),
    port: body.readInt32BE(8 + hostLength),
  };
};

/** Metadata v1 for no topics, decoded to the controller id `address` names. (kafkajs'
 * describeCluster asks a broker it picks at random, and fails outright when that one is down.) */
const controllerNamedBy = async (address: string) => {
  const body = await rawRequest(address, 3, 1, Buffer.from([0, 0, 0, 0])); // topics: []
  let at = 4;
  for (let count = body.readInt32BE(0); count > 0; count -= 1) {
    at += 4; // node id
    at += 2 + body.readInt16BE(at); // host
    at += 4; // port
    const rack = body.readInt16BE(at);
    at += 2 + Math.max(rack, 0);
  }
  return body.readInt32BE(at);
};

describe('startKafkaCluster', () => {
  it('the raw mock cannot serve the controller: no CreateTopics, no idempotent producer', async () => {
    const mock = await startKafkaMock(3);
    running.push(mock);
    const kafka = client(mock.brokers);
    const admin = kafka.admin();
    await admin.connect();
    await expect(
      admin.createTopics({ topics: [{ topic: 'raw-t', numPartitions: 3 }] }),
    ).rejects.toThrow(/not found in the cached metadata/);
    await admin.disconnect();
    const producer = kafka.producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await expect(producer.connect()).rejects.toThrow(/not found in the cached metadata/);
  });

  it('serves kafkajs defaults through the proxies: a controller, CreateTopics, idempotence', async () => {
    const cluster = await startKafkaCluster(3);
    running.push(cluster);
    expect(cluster.brokers).toHaveLength(3);
    const kafka = client(cluster.brokers);
    const admin = kafka.admin();
    await admin.connect();
    const described = await admin.describeCluster();
    // Every broker is advertised at its proxy's address, and the controller is one of them.
    expect(described.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(
      [...cluster.brokers].sort(),
    );
    expect(described.brokers.map((b) => b.nodeId)).toContain(described.controller);

    expect(
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: 'orders-t', numPartitions: 4 }],
      }),
    ).toBe(true);
    // A second time it already exists: kafkajs reports `false`, no error.
    expect(await admin.createTopics({ topics: [{ topic: 'orders-t', numPartitions: 4 }] })).toBe(
      false,
    );
    const metadata = await admin.fetchTopicMetadata({ topics: ['orders-t'] });
    expect(metadata.topics[0]?.partitions).toHaveLength(4);

    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const messages = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await producer.send({ topic: 'orders-t', acks: -1, messages });
    const offsets = await admin.fetchTopicOffsets('orders-t');
    expect(offsets.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(20);
    await producer.disconnect();
    await admin.disconnect();

    // A group coordinator is advertised at its proxy's address as well.
    const coordinator = await findCoordinator(cluster.brokers[2]!, 'some-group');
    expect(coordinator.error).toBe(0);
    expect(cluster.brokers[coordinator.nodeId - 1]).toBe(`${coordinator.host}:${coordinator.port}`);
  });

  it('a broker taken down is down through its proxy, and back after up', async () => {
    const cluster = await startKafkaCluster(3);
    running.push(cluster);
    const first = cluster.brokers[0]!;
    const kafka = client([cluster.brokers[1]!]);
    const admin = kafka.admin();
    await admin.connect();
    // Broker 1 (the lowest id) is the controller named to clients while every broker is up.
    expect((await admin.describeCluster()).controller).toBe(1);
    expect(await tryConnect(first)).toBe('connected');

    await cluster.down(1);
    expect(await tryConnect(first)).toBe('ECONNREFUSED');
    expect(await tryConnect(cluster.brokers[1]!)).toBe('connected');
    // While broker 1 is down the controller named to clients is a broker that is up.
    expect([2, 3]).toContain(await controllerNamedBy(cluster.brokers[2]!));
    expect([2, 3]).toContain(await controllerNamedBy(cluster.brokers[1]!));

    await cluster.up(1);
    expect(await tryConnect(first)).toBe('connected');
    const again = client([first]).admin();
    await again.connect();
    const described = await again.describeCluster();
    expect(described.brokers).toHaveLength(3);
    expect(described.controller).toBe(1);
    await again.disconnect();
    await admin.disconnect();
  });
});
