import type { Database } from '@shop/db';
import { testDatabaseTargets } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendToOutbox,
  createLogBus,
  startRelay,
  TOPICS,
  type EventBus,
  type EventEnvelope,
} from '../src/index';
import { memoryLogger, waitFor } from './helpers';
import {
  countOf,
  migrateNotificationService,
  migrateOrderService,
  notificationEffect,
  placeOrder,
} from './services';

describe.each(testDatabaseTargets())('outbox → relay → idempotent consumer on $name', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let bus: EventBus;
  beforeAll(async () => {
    ({ database, cleanup } = await target.open());
    await migrateOrderService(database);
    await migrateNotificationService(database);
    bus = await createLogBus({ database, pollIntervalMs: 10, logger: memoryLogger() });
  });
  afterAll(async () => {
    await bus.close();
    await cleanup();
  });

  it('publishes committed events only and applies each effect exactly once despite duplicates', async () => {
    let calls = 0;
    const effect = notificationEffect(database);
    const sub = await bus.subscribe({
      group: 'notification',
      topics: [TOPICS.order],
      fromBeginning: true,
      handler: async (envelope) => {
        calls += 1;
        await effect(envelope);
      },
    });
    // Two relays over the same outbox, like two replicas of the order service.
    const relays = [
      startRelay({ database, schema: 'shop_order', bus }),
      startRelay({ database, schema: 'shop_order', bus }),
    ];
    const committed: EventEnvelope[] = [];
    for (let i = 0; i < 25; i += 1) committed.push(await placeOrder(database, `order-${i}`));
    const rolledBack = await placeOrder(database, 'order-doomed', { fail: true }).catch(
      (error: Error) => error,
    );
    expect(rolledBack).toBeInstanceOf(Error);
    // Writes through the plain db handle (no transaction) work too.
    const [direct] = await appendToOutbox(database.db, 'shop_order', [
      {
        type: 'order.delivered',
        source: 'order',
        topic: TOPICS.order,
        subject: 'order-0',
        sequence: 2,
        data: { orderId: 'order-0', userId: 'user-1' },
      },
    ]);
    committed.push(direct!);

    await waitFor(
      async () => (await countOf(database, 'select 1 from shop_notify.sent')) >= committed.length,
      'effects',
    );
    expect(
      await countOf(database, 'select 1 from shop_order.outbox where published_at is null'),
    ).toBe(0);
    expect(
      await countOf(database, "select 1 from shop_order.orders where id = 'order-doomed'"),
    ).toBe(0);
    expect(await countOf(database, 'select 1 from shop_order.outbox')).toBe(26);
    expect(await countOf(database, 'select 1 from events.log')).toBe(26);

    // Duplicates: the relay "crashed" before marking (republish everything), and the consumer
    // lost its offset (redelivery of everything), and a handler is called twice directly.
    // The relays' loops stop first: a pass of theirs could otherwise republish the rows before
    // `flush` does (database calls interleave with timers, on Postgres and PGlite alike).
    await Promise.all(relays.map((relay) => relay.stop()));
    await database.query('update shop_order.outbox set published_at = null');
    expect(await relays[0]!.flush()).toBe(26);
    await database.query(
      "update events.consumer_offsets set position = 0 where group_id = 'notification'",
    );
    await waitFor(() => calls >= 52, 'redelivery after offset reset');
    await effect(committed[3]!);
    await new Promise((resolve) => setTimeout(resolve, 100));

    await sub.stop();
    const sent = await database.query<{ event_id: string; order_id: string }>(
      'select event_id::text, order_id from shop_notify.sent',
    );
    expect(sent).toHaveLength(committed.length);
    expect(sent.map((row) => row.event_id).sort()).toEqual(committed.map((e) => e.id).sort());
    expect(sent.map((row) => row.order_id)).not.toContain('order-doomed');
    expect(await countOf(database, 'select 1 from shop_notify.processed_events')).toBe(26);
    expect(await countOf(database, 'select 1 from events.log')).toBe(26); // the log dedupes by id
    expect(calls).toBe(52);
  });

  it('keeps rows and retries while publishing fails, and never throws out of the loop', async () => {
    let failing = true;
    const published: EventEnvelope[] = [];
    const flaky: EventBus = {
      async publish(envelopes) {
        if (failing) throw new Error('broker down');
        published.push(...envelopes);
      },
      subscribe: () => Promise.reject(new Error('unused')),
      close: async () => undefined,
    };
    await database.query('update shop_order.outbox set published_at = now()');
    const logger = memoryLogger();
    const relay = startRelay({
      database,
      schema: 'shop_order',
      bus: flaky,
      maxBackoffMs: 50,
      logger,
    });
    const written = [await placeOrder(database, 'retry-1'), await placeOrder(database, 'retry-2')];
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      await countOf(database, 'select 1 from shop_order.outbox where published_at is null'),
    ).toBe(2);
    await expect(relay.flush()).rejects.toThrow('broker down');
    failing = false;
    await waitFor(
      async () =>
        (await countOf(database, 'select 1 from shop_order.outbox where published_at is null')) ===
        0,
      'recovery',
    );
    await relay.stop();
    expect(published.map((e) => e.id)).toEqual(written.map((e) => e.id));
    expect(logger.lines.some((line) => line.includes('publish failed'))).toBe(true);
  });
});

/** On the embedded database (one process owns it) an append wakes the relay at once. */
describe('relay wake-ups on pglite', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const pglite = testDatabaseTargets().find((target) => target.name === 'pglite')!;
    ({ database, cleanup } = await pglite.open());
    await migrateOrderService(database);
  });
  afterAll(async () => {
    await cleanup();
  });

  it('wakes the relay when a transaction appends to the outbox, long before its poll', async () => {
    await database.query('update shop_order.outbox set published_at = now()');
    const published: EventEnvelope[] = [];
    const recording: EventBus = {
      async publish(envelopes) {
        published.push(...envelopes);
      },
      subscribe: () => Promise.reject(new Error('unused')),
      close: async () => undefined,
    };
    // A 30 s poll: only the in-process wake-up publishes in time.
    const relay = startRelay({
      database,
      schema: 'shop_order',
      bus: recording,
      pollIntervalMs: 30_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 200)); // listening, and idle
    for (const id of ['wake-1', 'wake-2', 'wake-3']) {
      const started = performance.now();
      const written = await placeOrder(database, id);
      await waitFor(() => published.some((e) => e.id === written.id), `relay woken for ${id}`);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
    // A rolled-back append wakes nothing that publishes.
    await placeOrder(database, 'wake-doomed', { fail: true }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(published.map((e) => e.subject)).toEqual(['wake-1', 'wake-2', 'wake-3']);
    const stopping = performance.now();
    await relay.stop();
    expect(performance.now() - stopping).toBeLessThan(2_000);
  });
});
