import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createEnvelope,
  createKafkaBus,
  deadLetterTopic,
  TOPICS,
  type EventEnvelope,
} from '../src/index';
import { registerBusContract } from './bus-contract';
import { memoryLogger, testEvent, uniqueTopic, waitFor } from './helpers';
import { startKafkaMock, type KafkaMock } from '@shop/testing';

const mocks: KafkaMock[] = [];
afterAll(async () => {
  await Promise.all(mocks.map((mock) => mock.stop()));
});

registerBusContract(
  'kafka bus on the librdkafka mock cluster',
  async () => {
    const mock = await startKafkaMock(1);
    mocks.push(mock);
    const bus = await createKafkaBus({
      brokers: mock.brokers,
      clientId: 'contract',
      idempotent: false, // the mock cannot serve InitProducerId (see KafkaBusOptions.idempotent)
      createTopics: false,
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
  it('sends key = subject, JSON value and type/version/traceparent headers', async () => {
    const mock = await startKafkaMock(1);
    mocks.push(mock);
    const logger = memoryLogger();
    // createTopics left on: the mock refuses CreateTopics (no controller), the bus logs and
    // relies on auto-creation.
    const bus = await createKafkaBus({
      brokers: mock.brokers,
      clientId: 'headers',
      idempotent: false,
      topics: [],
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
    expect(logger.lines.some((line) => line.includes('could not create topics'))).toBe(true);
  });

  it('produces an event that breaks its contract to <topic>.dlq with the reason, then handles the next one', async () => {
    const mock = await startKafkaMock(1);
    mocks.push(mock);
    await mock.createTopic(TOPICS.order, 3);
    const logger = memoryLogger();
    const bus = await createKafkaBus({
      brokers: mock.brokers,
      clientId: 'dlq',
      idempotent: false,
      createTopics: false, // the dead-letter topic is auto-created by the broker on first produce
      logger,
    });
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
    const mock = await startKafkaMock(1);
    mocks.push(mock);
    const topic = uniqueTopic('down');
    await mock.createTopic(topic, 3);
    const bus = await createKafkaBus({
      brokers: mock.brokers,
      clientId: 'down',
      idempotent: false,
      createTopics: false,
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
});
