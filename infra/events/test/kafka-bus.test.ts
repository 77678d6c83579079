import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createEnvelope,
  createKafkaBus,
  deadLetterTopic,
  KafkaCapabilityError,
  TOPICS,
  type EventEnvelope,
} from '../src/index';
import { registerBusContract } from './bus-contract';
import { memoryLogger, testEvent, uniqueTopic, waitFor } from './helpers';
import { startKafkaCluster, startKafkaMock, type KafkaMock } from '@shop/testing';

const mocks: KafkaMock[] = [];
afterAll(async () => {
  await Promise.all(mocks.map((mock) => mock.stop()));
});

registerBusContract(
  'kafka bus on the librdkafka mock cluster',
  async () => {
    // The production defaults: idempotent producer, topics created by the admin client.
    const mock = await startKafkaCluster(1);
    mocks.push(mock);
    const bus = await createKafkaBus({
      brokers: mock.brokers,
      clientId: 'contract',
      logger: memoryLogger(),
    });
    const raw = new kafkajs.Kafka({
      brokers: mock.brokers,
      clientId: 'raw',
      logLevel: kafkajs.logLevel.NOTHING,
    }).producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await raw.connect();
    return {
      bus,
      async newTopic() {
        const topic = uniqueTopic();
        await mock.createTopic(topic, 3);
        return topic;
      },
      async injectRaw(topic, key, value) {
        await raw.send({ topic, acks: -1, messages: [{ key, value }] });
      },
      async close() {
        await raw.disconnect();
        await bus.close();
      },
    };
  },
  30_000,
);

describe('kafka bus specifics', () => {
  it('gives every ephemeral subscriber (one group each) every event', async () => {
    const mock = await startKafkaMock(1);
    mocks.push(mock);
    const topic = uniqueTopic('broadcast');
    await mock.createTopic(topic, 3);
    const options = { brokers: mock.brokers, idempotent: false, createTopics: false };
    const buses = await Promise.all(
      ['a', 'b'].map((clientId) =>
        createKafkaBus({ ...options, clientId, logger: memoryLogger() }),
      ),
    );
    const seen: Array<Set<string>> = [new Set(), new Set()];
    const subscriptions = await Promise.all(
      buses.map((bus, i) =>
        bus.subscribe({
          group: 'cache-clear',
          ephemeral: true,
          topics: [topic],
          handler: async (event) => void seen[i]!.add(event.subject),
        }),
      ),
    );
    // From the end of each partition: wait until both read a probe, then send the real events.
    await waitFor(
      async () => {
        await buses[0]!.publish([testEvent(topic, 'probe', 1)]);
        return seen.every((keys) => keys.has('probe'));
      },
      'both subscribers reading',
      30_000,
    );
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    await buses[1]!.publish(keys.map((key) => testEvent(topic, key, 1)));
    await waitFor(
      () => seen.every((got) => keys.every((key) => got.has(key))),
      'every event on both',
    );
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    await Promise.all(buses.map((bus) => bus.close()));
  }, 60_000);

  it('sends key = subject, JSON value and type/version/traceparent headers', async () => {
    const mock = await startKafkaCluster(1);
    mocks.push(mock);
    const logger = memoryLogger();
    // No topic up front: the bus creates the topic with the admin client before its first use
    // (with 5 partitions, which the broker's auto-creation would not choose).
    const bus = await createKafkaBus({
      brokers: mock.brokers,
      clientId: 'headers',
      topics: [],
      numPartitions: 5,
      logger,
    });
    const topic = uniqueTopic('headers');
    const event = {
      ...testEvent(topic, 'order-1', 3),
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    await bus.publish([event]);
    const kafka = new kafkajs.Kafka({
      brokers: mock.brokers,
      clientId: 'reader',
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const consumer = kafka.consumer({
      groupId: 'raw-reader',
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    const seen: kafkajs.KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    await waitFor(() => seen.length === 1, 'raw message', 20_000);
    await consumer.disconnect();
    await bus.close();
    const message = seen[0]!;
    expect(message.key?.toString()).toBe('order-1');
    expect(JSON.parse(message.value!.toString())).toEqual(event);
    expect(message.headers?.type?.toString()).toBe('test.happened');
    expect(message.headers?.version?.toString()).toBe('1');
    expect(message.headers?.traceparent?.toString()).toBe(event.traceparent);
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(metadata.topics[0]?.partitions).toHaveLength(5);
    expect(logger.lines.filter((line) => line.includes('could not create topics'))).toEqual([]);
  });

  it('produces an event that breaks its contract to <topic>.dlq with the reason, then handles the next one', async () => {
    const mock = await startKafkaCluster(1);
    mocks.push(mock);
    const logger = memoryLogger();
    // Defaults: the bus creates the topics and, on subscribe, their dead-letter topics.
    const bus = await createKafkaBus({ brokers: mock.brokers, clientId: 'dlq', logger });
    const handled: EventEnvelope[] = [];
    const sub = await bus.subscribe({
      group: 'notification-dlq',
      topics: [TOPICS.order],
      fromBeginning: true,
      handler: async (envelope) => void handled.push(envelope),
    });
    const malformed = JSON.stringify(
      createEnvelope({
        type: 'order.created',
        source: 'order',
        topic: TOPICS.order,
        subject: 'o-bad',
        sequence: 1,
        data: { userId: 'user-1', number: 'N-1', cartId: 'c-1', status: 'PENDING', lines: [] },
      }),
    );
    const valid = createEnvelope({
      type: 'order.placed',
      source: 'order',
      topic: TOPICS.order,
      subject: 'o-bad',
      sequence: 2,
      data: { orderId: 'o-bad', userId: 'user-1' },
    });
    const kafka = new kafkajs.Kafka({
      brokers: mock.brokers,
      clientId: 'raw',
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const raw = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await raw.connect();
    await raw.send({
      topic: TOPICS.order,
      acks: -1,
      messages: [{ key: 'o-bad', value: malformed }],
    });
    await raw.disconnect();
    await bus.publish([valid]);
    await waitFor(() => handled.length === 1, 'the event after the dead letter', 20_000);
    await sub.stop();
    await bus.close();

    const reader = kafka.consumer({
      groupId: 'dlq-reader',
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    const letters: { partition: number; message: kafkajs.KafkaMessage }[] = [];
    await reader.connect();
    await reader.subscribe({ topics: [deadLetterTopic(TOPICS.order)], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ partition, message }) => void letters.push({ partition, message }),
    });
    await waitFor(() => letters.length === 1, 'the dead letter in order.events.v1.dlq', 20_000);
    await reader.disconnect();

    expect(handled.map((envelope) => envelope.id)).toEqual([valid.id]);
    expect(letters).toHaveLength(1);
    const { message } = letters[0]!;
    const header = (name: string) => message.headers?.[name]?.toString();
    expect(deadLetterTopic(TOPICS.order)).toBe('order.events.v1.dlq');
    expect(message.key?.toString()).toBe('o-bad');
    expect(message.value?.toString()).toBe(malformed);
    expect(header('dlq-reason')).toMatch(/^contract violation: order\.created v1: data\.orderId: /);
    expect(header('dlq-group')).toBe('notification-dlq');
    expect(header('dlq-topic')).toBe(TOPICS.order);
    expect(header('dlq-partition')).toMatch(/^[0-2]$/);
    expect(header('dlq-offset')).toBe('0');
    expect(logger.lines.some((line) => line.includes('dead letter group=notification-dlq'))).toBe(
      true,
    );
  });

  it('fails publish within seconds while the broker is down, and works again after', async () => {
    const mock = await startKafkaCluster(1);
    mocks.push(mock);
    const topic = uniqueTopic('down');
    const bus = await createKafkaBus({
      brokers: mock.brokers,
      clientId: 'down',
      topics: [topic],
      logger: memoryLogger(),
    });
    await bus.publish([testEvent(topic, 'k', 1)]);
    await mock.down(1);
    const started = Date.now();
    await expect(bus.publish([testEvent(topic, 'k', 2)])).rejects.toThrow();
    const failedAfter = Date.now() - started;
    await mock.up(1);
    await waitFor(
      () =>
        bus.publish([testEvent(topic, 'k', 3)]).then(
          () => true,
          () => false,
        ),
      'publish after broker up',
      20_000,
    );
    await bus.close();
    expect(failedAfter).toBeLessThan(6_000);
  });

  it('fails creation fast with one KafkaCapabilityError when the brokers cannot serve the defaults', async () => {
    // The raw mock (no proxy) names controller 0, which is none of its brokers.
    const mock = await startKafkaMock(3);
    mocks.push(mock);
    const attempt = async (options: { createTopics?: boolean }) => {
      const logger = memoryLogger();
      const started = Date.now();
      const error: unknown = await createKafkaBus({
        brokers: mock.brokers,
        clientId: 'incapable',
        logger,
        ...options,
      }).then(
        (bus) => bus.close().then(() => undefined),
        (failure: unknown) => failure,
      );
      return { error, ms: Date.now() - started, lines: logger.lines };
    };

    const topics = await attempt({});
    expect(topics.error).toBeInstanceOf(KafkaCapabilityError);
    expect(topics.error).toMatchObject({
      name: 'KafkaCapabilityError',
      code: 'KAFKA_CREATE_TOPICS_UNAVAILABLE',
    });
    expect((topics.error as Error).message).toBe(
      `Kafka at ${mock.brokers.join(',')} cannot create topics: the cluster's metadata names no reachable controller (Broker 0 not found in the cached metadata). Give KAFKA_BROKERS a cluster with a working controller that allows CreateTopics, or create the topics beforehand and turn topic creation off (event bus option createTopics: false).`,
    );

    // Topic creation off here on purpose: it fails first, and this checks the producer's error.
    await mock.createTopic(TOPICS.order, 3);
    const producer = await attempt({ createTopics: false });
    expect(producer.error).toMatchObject({
      name: 'KafkaCapabilityError',
      code: 'KAFKA_IDEMPOTENT_PRODUCER_UNAVAILABLE',
    });
    expect((producer.error as Error).message).toMatch(
      /cannot serve the idempotent producer \(InitProducerId\): .*Broker 0 not found.*event bus option idempotent: false/,
    );
    // Fast, and no retry log lines before it.
    for (const { ms, lines } of [topics, producer]) {
      expect(ms).toBeLessThan(5_000);
      expect(lines).toEqual([]);
    }
  });
});
