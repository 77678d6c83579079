import type { Database } from '@shop/db';
import { injectTraceparent, shutdownTelemetry, SpanKind, withSpan } from '@shop/telemetry';
import { ancestorsOf, serviceOf, startMemoryTracing, traceIdOf } from '@shop/telemetry/testing';
import { startKafkaCluster, testDatabaseTargets } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKafkaBus,
  createLogBus,
  startRelay,
  TOPICS,
  type EventBus,
  type EventEnvelope,
} from '../src/index';
import { memoryLogger, testEvent, uniqueTopic, waitFor } from './helpers';
import { migrateOrderService, placeOrder } from './services';

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;

describe.each(testDatabaseTargets())(
  'trace context through outbox, relay and log bus on $name',
  (target) => {
    let database: Database;
    let cleanup: () => Promise<void>;
    let bus: EventBus;
    beforeAll(async () => {
      ({ database, cleanup } = await target.open());
      await migrateOrderService(database);
      bus = await createLogBus({ database, pollIntervalMs: 10, logger: memoryLogger() });
    });
    afterAll(async () => {
      await bus.close();
      await cleanup();
      await shutdownTelemetry();
    });

    it('writes, publishes and consumes untraced while tracing is off', async () => {
      const received: EventEnvelope[] = [];
      const sub = await bus.subscribe({
        group: 'off-consumer',
        topics: [TOPICS.order],
        handler: async (envelope) => {
          received.push(envelope);
        },
      });
      const relay = startRelay({ database, schema: 'shop_order', bus });
      const written = await withSpan('request', { service: 'order' }, () =>
        placeOrder(database, `off-${Date.now()}`),
      );
      expect(written.traceparent).toBeUndefined();
      await waitFor(() => received.some((e) => e.id === written.id), 'delivery');
      expect(received.find((e) => e.id === written.id)?.traceparent).toBeUndefined();
      const [logged] = await database.query<{ envelope: EventEnvelope }>(
        'select envelope from events.log where id = $1',
        [written.id],
      );
      expect(logged?.envelope.traceparent).toBeUndefined();
      await relay.stop();
      await sub.stop();
    });

    it('stamps the request context on the event and chains request → publish → consume', async () => {
      const spans = startMemoryTracing();
      const seen: Array<{ envelope: EventEnvelope; traceparent: string | undefined }> = [];
      const sub = await bus.subscribe({
        group: 'notification-tracing',
        topics: [TOPICS.order],
        handler: async (envelope) => {
          seen.push({ envelope, traceparent: injectTraceparent() });
        },
      });
      const relay = startRelay({ database, schema: 'shop_order', bus });
      let requestTraceparent: string | undefined;
      const written = await withSpan(
        'POST /graphql',
        { service: 'order', kind: SpanKind.SERVER },
        () => {
          requestTraceparent = injectTraceparent();
          return placeOrder(database, `traced-${Date.now()}`);
        },
      );
      // The outbox row carries the request's context.
      expect(written.traceparent).toBe(requestTraceparent);
      await waitFor(() => seen.some((s) => s.envelope.id === written.id), 'traced delivery');
      await waitFor(
        () => spans.getFinishedSpans().some((s) => s.kind === SpanKind.CONSUMER),
        'consumer span',
      );
      await relay.stop();
      await sub.stop();

      const finished = spans.getFinishedSpans();
      const request = finished.find((s) => s.name === 'POST /graphql')!;
      const producer = finished.find(
        (s) => s.kind === SpanKind.PRODUCER && s.attributes['messaging.message.id'] === written.id,
      )!;
      const consumer = finished.find(
        (s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message.id'] === written.id,
      )!;
      expect(producer).toBeDefined();
      expect(consumer).toBeDefined();
      const traceId = request.spanContext().traceId;
      expect(traceIdOf(requestTraceparent!)).toBe(traceId);
      expect(producer.spanContext().traceId).toBe(traceId);
      expect(consumer.spanContext().traceId).toBe(traceId);
      // consumer → producer → request: one trace, parent links all the way.
      expect(ancestorsOf(consumer, finished)).toEqual([producer, request]);
      expect(serviceOf(producer)).toBe('order');
      expect(producer.attributes).toMatchObject({
        'messaging.system': 'shop_log_bus',
        'messaging.destination.name': TOPICS.order,
        'shop.event.type': 'order.placed',
      });
      expect(serviceOf(consumer)).toBe('notification');
      expect(consumer.attributes['messaging.consumer.group.name']).toBe('notification-tracing');

      // The log stores the producer span's context, which the handler ran under.
      const [logged] = await database.query<{ envelope: EventEnvelope }>(
        'select envelope from events.log where id = $1',
        [written.id],
      );
      expect(logged?.envelope.traceparent).toMatch(TRACEPARENT);
      expect(logged?.envelope.traceparent).toContain(producer.spanContext().spanId);
      const delivered = seen.find((s) => s.envelope.id === written.id)!;
      expect(delivered.envelope.traceparent).toBe(logged?.envelope.traceparent);
      expect(delivered.traceparent).toContain(consumer.spanContext().spanId);
    });

    it('records a failing handler attempt on its consumer span', async () => {
      await shutdownTelemetry();
      const spans = startMemoryTracing();
      let attempts = 0;
      const sub = await bus.subscribe({
        group: 'flaky-tracing',
        topics: [TOPICS.order],
        handler: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error('first attempt fails');
        },
      });
      const relay = startRelay({ database, schema: 'shop_order', bus });
      const written = await withSpan('request', { service: 'order' }, () =>
        placeOrder(database, `flaky-${Date.now()}`),
      );
      const consumersOf = () =>
        spans
          .getFinishedSpans()
          .filter(
            (s) =>
              s.kind === SpanKind.CONSUMER &&
              s.attributes['messaging.message.id'] === written.id &&
              s.attributes['messaging.consumer.group.name'] === 'flaky-tracing',
          );
      await waitFor(() => consumersOf().length >= 2, 'two attempts');
      await relay.stop();
      await sub.stop();
      const [failed, succeeded] = consumersOf();
      expect(failed?.status.code).toBe(2);
      expect(failed?.status.message).toBe('first attempt fails');
      expect(succeeded?.status.code).toBe(0);
    });
  },
);

describe('trace context through the kafka bus', () => {
  it('publishes under a PRODUCER span carried to a CONSUMER span', async () => {
    await shutdownTelemetry();
    const spans = startMemoryTracing();
    const mock = await startKafkaCluster(1);
    const bus = await createKafkaBus({
      brokers: mock.brokers,
      clientId: 'tracing',
      logger: memoryLogger(),
    });
    try {
      const topic = uniqueTopic('traced'); // created by the bus on subscribe
      const delivered: EventEnvelope[] = [];
      const sub = await bus.subscribe({
        group: 'analytics-kafka',
        topics: [topic],
        fromBeginning: true,
        handler: async (envelope) => {
          delivered.push(envelope);
        },
      });
      const event = await withSpan('request', { service: 'cart' }, () => ({
        ...testEvent(topic, 'k', 1),
        source: 'cart',
        traceparent: injectTraceparent(),
      }));
      await bus.publish([event]);
      await waitFor(() => delivered.length === 1, 'kafka delivery');
      await waitFor(
        () => spans.getFinishedSpans().some((s) => s.kind === SpanKind.CONSUMER),
        'consumer span',
      );
      await sub.stop();
      const finished = spans.getFinishedSpans();
      const request = finished.find((s) => s.name === 'request')!;
      const producer = finished.find((s) => s.kind === SpanKind.PRODUCER)!;
      const consumer = finished.find((s) => s.kind === SpanKind.CONSUMER)!;
      expect(producer.attributes['messaging.system']).toBe('kafka');
      expect(serviceOf(producer)).toBe('cart');
      expect(serviceOf(consumer)).toBe('analytics');
      expect(ancestorsOf(consumer, finished)).toEqual([producer, request]);
      expect(delivered[0]?.traceparent).toBe(
        `00-${request.spanContext().traceId}-${producer.spanContext().spanId}-01`,
      );
    } finally {
      await bus.close();
      await mock.stop();
      await shutdownTelemetry();
    }
  });
});
