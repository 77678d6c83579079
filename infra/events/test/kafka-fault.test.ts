import type { Database } from '@shop/db';
import { startKafkaCluster, testDatabaseTargets, type KafkaMock } from '@shop/testing';
import { afterAll, expect, it } from 'vitest';
import {
  createKafkaBus,
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

const OUTAGE_MS = 30_000;
const WRITE_EVERY_MS = 100;
// Real Postgres when configured (closest to production), else PGlite.
const target = testDatabaseTargets().at(-1)!;

let mock: KafkaMock | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterAll(async () => {
  await mock?.stop();
  await cleanup?.();
});

it(`loses nothing and duplicates no effect across a ${OUTAGE_MS / 1000} s broker outage (${target.name})`, async () => {
  const opened = await target.open();
  cleanup = opened.cleanup;
  const database: Database = opened.database;
  await migrateOrderService(database);
  await migrateNotificationService(database);
  // Production defaults (idempotent producer, topics created by the bus) on the proxied mock.
  mock = await startKafkaCluster(1);
  const logger = memoryLogger();
  const bus: EventBus = await createKafkaBus({
    brokers: mock.brokers,
    clientId: 'fault-test',
    logger,
  });
  let deliveries = 0;
  const effect = notificationEffect(database);
  const sub = await bus.subscribe({
    group: 'notification',
    topics: [TOPICS.order],
    fromBeginning: true,
    handler: async (envelope) => {
      deliveries += 1;
      await effect(envelope);
    },
  });
  const relay = startRelay({ database, schema: 'shop_order', bus, logger });

  const written: EventEnvelope[] = [];
  let writeErrors = 0;
  let writing = true;
  let outage = false;
  let writtenDuringOutage = 0;
  const writer = (async () => {
    for (let i = 0; writing; i += 1) {
      try {
        written.push(await placeOrder(database, `order-${i}`));
        if (outage) writtenDuringOutage += 1;
      } catch {
        writeErrors += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, WRITE_EVERY_MS));
    }
  })();

  await waitFor(
    async () => (await countOf(database, 'select 1 from shop_notify.sent')) >= 10,
    'flow before outage',
  );
  await mock.down(1);
  outage = true;
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  const backlog = await countOf(
    database,
    'select 1 from shop_order.outbox where published_at is null',
  );
  outage = false;
  await mock.up(1);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  writing = false;
  await writer;

  await waitFor(
    async () => (await countOf(database, 'select 1 from shop_notify.sent')) >= written.length,
    'all effects after recovery',
    25_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  await relay.stop();
  await sub.stop();
  await bus.close();

  const sent = await database.query<{ event_id: string }>(
    'select event_id::text from shop_notify.sent',
  );
  const distinct = new Set(sent.map((row) => row.event_id));
  console.info(
    `[kafka-fault] written=${written.length} duringOutage=${writtenDuringOutage} backlogAtRecovery=${backlog} ` +
      `deliveries=${deliveries} effects=${sent.length}`,
  );
  expect(writeErrors).toBe(0);
  expect(writtenDuringOutage).toBeGreaterThan(OUTAGE_MS / WRITE_EVERY_MS / 2);
  expect(backlog).toBeGreaterThan(OUTAGE_MS / WRITE_EVERY_MS / 2); // the outage really stopped publishing
  expect(sent).toHaveLength(written.length); // 0 duplicate effects
  expect([...distinct].sort()).toEqual(written.map((e) => e.id).sort()); // 0 lost
  expect(
    await countOf(database, 'select 1 from shop_order.outbox where published_at is null'),
  ).toBe(0);
  expect(deliveries).toBeGreaterThanOrEqual(written.length);
}, 90_000);
