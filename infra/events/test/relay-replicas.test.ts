import { createDatabase, type Database } from '@shop/db';
import { createScratchDatabase, startKafkaCluster, type KafkaMock } from '@shop/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createKafkaBus,
  createLogBus,
  startRelay,
  TOPICS,
  type EventBus,
  type EventEnvelope,
  type Relay,
} from '../src/index';
import { memoryLogger, waitFor } from './helpers';
import {
  countOf,
  migrateNotificationService,
  migrateOrderService,
  notificationEffect,
  placeOrder,
} from './services';

/**
 * Three replicas of a producing service: three relays (each with its own connection pool and bus
 * client, as three processes would have) over one outbox table in one Postgres database, while
 * writers append events concurrently through all of them. One relay dies in the middle of a
 * batch: part of the batch is published, its transaction's connection is terminated, it never
 * marks the rows. Every event must be published at least once, and the consumer group (one
 * member per replica, through `idempotentHandler`) must apply each exactly once.
 */

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REPLICAS = 3;
const WRITERS = 6;
const EVENTS_PER_WRITER = 40;
const RELAY_LOCK = 'shop-outbox-relay:shop_order';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

interface Harness {
  newBus(database: Database, replica: number): Promise<EventBus>;
}

const buses: [string, () => Promise<Harness>][] = [
  [
    'the Postgres log bus',
    async () => ({
      newBus: (database) =>
        createLogBus({ database, pollIntervalMs: 10, leaseMs: 3_000, logger: memoryLogger() }),
    }),
  ],
  [
    'Kafka (3 proxied mock brokers, production defaults)',
    async () => {
      const cluster: KafkaMock = await startKafkaCluster(3);
      cleanups.push(() => cluster.stop());
      return {
        newBus: (_database, replica) =>
          createKafkaBus({
            brokers: cluster.brokers,
            clientId: `order-replica-${replica}`,
            logger: memoryLogger(),
          }),
      };
    },
  ],
];

/**
 * A bus whose first non-empty publish sends the first half of its batch through `bus` and then
 * never returns (the process "dies" there) until `kill` rejects it.
 */
function dyingBus(bus: EventBus) {
  let reject: ((error: Error) => void) | undefined;
  let batch: EventEnvelope[] = [];
  let halfPublished: EventEnvelope[] = [];
  const wrapped: EventBus = {
    async publish(envelopes) {
      if (reject || envelopes.length === 0) return bus.publish(envelopes);
      const half = envelopes.slice(0, Math.floor(envelopes.length / 2));
      await bus.publish(half); // if this fails, the relay retries and the next batch dies here
      [batch, halfPublished] = [envelopes, half];
      return new Promise<void>((_, fail) => (reject = fail));
    },
    subscribe: (options) => bus.subscribe(options),
    close: () => bus.close(),
  };
  return {
    bus: wrapped,
    dying: () => reject !== undefined,
    batch: () => batch,
    halfPublished: () => halfPublished,
    kill: () => reject?.(new Error('the replica died')),
  };
}

describe.each(buses)('outbox relays on %s', (_name, harness) => {
  it(`${REPLICAS} relays over one outbox: each event published at least once, applied once, none lost when one dies mid-batch`, async () => {
    const scratch = await createScratchDatabase(BASE_URL);
    cleanups.push(() => scratch.drop());
    const setup = await createDatabase({ url: scratch.url });
    cleanups.push(() => setup.close());
    await migrateOrderService(setup);
    await migrateNotificationService(setup);
    const { newBus } = await harness();

    // Each replica: its own pool, its own bus client, a relay and a member of the consumer group.
    const replicas: { database: Database; bus: EventBus }[] = [];
    for (let i = 0; i < REPLICAS; i += 1) {
      const database = await createDatabase({ url: scratch.url });
      cleanups.push(() => database.close());
      const bus = await newBus(database, i);
      cleanups.push(() => bus.close());
      replicas.push({ database, bus });
    }
    const deliveries = new Map<string, number>();
    // The members join together, as the replicas of a deployment start: joined one after another,
    // each join is a rebalance of its own (the mock broker waits its session timeout - 1 s for the
    // members to rejoin), and on a loaded box a chain of them outlasts the join timeout.
    await Promise.all(
      replicas.map(async ({ database, bus }) => {
        const effect = notificationEffect(database);
        const sub = await bus.subscribe({
          group: 'notification',
          topics: [TOPICS.order],
          fromBeginning: true,
          handler: async (envelope) => {
            deliveries.set(envelope.id, (deliveries.get(envelope.id) ?? 0) + 1);
            await effect(envelope);
          },
        });
        cleanups.push(() => sub.stop());
      }),
    );

    // Replica 0's relay runs on its own pool, named so that its connections can be dropped.
    const victimUrl = new URL(scratch.url);
    victimUrl.searchParams.set('application_name', 'victim-relay');
    const victimDatabase = await createDatabase({ url: victimUrl.toString() });
    cleanups.push(() => victimDatabase.close());
    const victim = dyingBus(replicas[0]!.bus);
    const relays: Relay[] = replicas.map(({ database, bus }, i) =>
      startRelay({
        database: i === 0 ? victimDatabase : database,
        schema: 'shop_order',
        bus: i === 0 ? victim.bus : bus,
        batchSize: 20,
        logger: memoryLogger(),
      }),
    );
    cleanups.push(() => Promise.all(relays.slice(1).map((relay) => relay.stop())).then(() => {}));

    // Writers append concurrently, round-robin through the replicas' pools.
    const written: EventEnvelope[] = [];
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < EVENTS_PER_WRITER; i += 1) {
        const { database } = replicas[(w + i) % REPLICAS]!;
        written.push(await placeOrder(database, `order-${w}-${i}`));
        if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    const writing = Promise.all(writers);
    writing.catch(() => undefined); // awaited below; a failure must not surface as unhandled

    // The victim takes a batch, publishes half of it and hangs holding the relay lock; then its
    // connections are dropped (the lock and its row locks go with them) and it never comes back.
    await waitFor(victim.dying, 'the victim relay to take a batch', 60_000);
    const [holder] = await setup.query<{ pid: number; application_name: string }>(
      `select l.pid, a.application_name from pg_locks l join pg_stat_activity a using (pid)
       where l.locktype = 'advisory' and l.granted and l.objsubid = 1
         and l.database = (select oid from pg_database where datname = current_database())
         and l.objid::bigint = (hashtext($1)::bigint & 4294967295)`,
      [RELAY_LOCK],
    );
    expect(holder?.application_name).toBe('victim-relay');
    const dropped = await setup.query<{ ok: boolean }>(
      `select pg_terminate_backend(pid) as ok from pg_stat_activity
       where application_name = 'victim-relay' and datname = current_database()`,
    );
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    const victimStopped = relays[0]!.stop();
    victim.kill();
    await victimStopped;
    await writing;

    const total = WRITERS * EVENTS_PER_WRITER;
    expect(written).toHaveLength(total);
    await waitFor(
      async () =>
        (await countOf(setup, 'select 1 from shop_order.outbox where published_at is null')) === 0,
      'every outbox row published',
      60_000,
    );
    await waitFor(
      async () =>
        (await countOf(setup, 'select distinct event_id from shop_notify.sent')) === total,
      'every effect applied',
      60_000,
    );
    // Let redeliveries of the victim's half batch arrive, then count effects per event id.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const effects = await setup.query<{ event_id: string; n: number }>(
      'select event_id::text, count(*)::int as n from shop_notify.sent group by event_id',
    );
    const counted = new Map(effects.map((row) => [row.event_id, row.n]));
    expect(counted.size).toBe(total);
    for (const event of written) {
      expect(deliveries.get(event.id) ?? 0, `delivered ${event.id}`).toBeGreaterThanOrEqual(1);
      expect(counted.get(event.id), `effects of ${event.id}`).toBe(1);
    }
    // The victim really died mid-batch: rows of its batch stayed unpublished until a surviving
    // relay took them (the half it had sent may be delivered twice: at-least-once).
    expect(victim.batch().length).toBeGreaterThan(0);
    for (const event of victim.halfPublished()) {
      expect(deliveries.get(event.id)).toBeGreaterThanOrEqual(1);
    }
  }, 180_000);
});
