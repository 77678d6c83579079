import { createDatabase, type Database } from '@shop/db';
import { testDatabaseTargets } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogBus,
  EPHEMERAL_GROUP_MARK,
  type EventBus,
  type EventEnvelope,
} from '../src/index';
import { registerBusContract } from './bus-contract';
import { memoryLogger, testEvent, uniqueTopic, waitFor } from './helpers';

for (const target of testDatabaseTargets()) {
  registerBusContract(`log bus on ${target.name}`, async () => {
    const opened = await target.open();
    const bus = await createLogBus({
      database: opened.database,
      pollIntervalMs: 10,
      logger: memoryLogger(),
    });
    return {
      bus,
      newTopic: async () => uniqueTopic(),
      injectRaw: (topic, key, raw) =>
        opened.database.rawTransaction(async (q) => {
          await q.query("select pg_advisory_xact_lock(hashtext('shop-events-log-append'))");
          await q.query(
            'insert into events.log (id, topic, key, envelope) values (gen_random_uuid(), $1, $2, $3::jsonb)',
            [topic, key, raw],
          );
        }),
      async close() {
        await bus.close();
        await opened.cleanup();
      },
    };
  });

  describe(`log bus specifics on ${target.name}`, () => {
    let database: Database;
    let cleanup: () => Promise<void>;
    let url: string | undefined;
    beforeAll(async () => {
      const opened = await target.open();
      ({ database, cleanup, url } = opened);
    });
    afterAll(async () => {
      await cleanup();
    });

    it('creates its tables idempotently and stores a re-published id once', async () => {
      const bus1 = await createLogBus({ database });
      const bus2 = await createLogBus({ database });
      const topic = uniqueTopic('dedupe');
      const event = testEvent(topic, 'k', 1);
      await bus1.publish([event]);
      await bus2.publish([event, testEvent(topic, 'k', 2)]);
      const rows = await database.query<{ id: string; key: string }>(
        'select id::text as id, key from events.log where topic = $1 order by position',
        [topic],
      );
      expect(rows).toHaveLength(2);
      expect(rows[0]).toEqual({ id: event.id, key: 'k' });
      await Promise.all([bus1.close(), bus2.close()]);
    });

    it('records dead letters and can dead-letter after maxAttempts', async () => {
      const logger = memoryLogger();
      const bus = await createLogBus({ database, pollIntervalMs: 10, maxBackoffMs: 20, logger });
      const topic = uniqueTopic('poison');
      const handled: number[] = [];
      const sub = await bus.subscribe({
        group: 'poison-group',
        topics: [topic],
        fromBeginning: true,
        maxAttempts: 3,
        handler: async (envelope) => {
          if (envelope.sequence === 1) throw new Error('always fails');
          handled.push(envelope.sequence);
        },
      });
      await bus.publish([testEvent(topic, 'p', 1), testEvent(topic, 'p', 2)]);
      await waitFor(() => handled.length === 1, 'event after the poisoned one');
      await sub.stop();
      await bus.close();
      expect(handled).toEqual([2]);
      const letters = await database.query<{ reason: string; group_id: string }>(
        'select reason, group_id from events.dead_letters where topic = $1',
        [topic],
      );
      expect(letters).toEqual([
        { reason: 'handler failed 3x: always fails', group_id: 'poison-group' },
      ]);
      expect(logger.lines.some((line) => line.includes('dead letter group=poison-group'))).toBe(
        true,
      );
    });

    it('starts a new group at the end of the log unless fromBeginning', async () => {
      const bus = await createLogBus({ database, pollIntervalMs: 10 });
      const topic = uniqueTopic('latest');
      await bus.publish([testEvent(topic, 'a', 1)]);
      const seen: number[] = [];
      const sub = await bus.subscribe({
        group: 'latest-group',
        topics: [topic],
        handler: async (e) => {
          seen.push(e.sequence);
        },
      });
      await bus.publish([testEvent(topic, 'a', 2)]);
      await waitFor(() => seen.length === 1, 'the new event');
      await sub.stop();
      await bus.close();
      expect(seen).toEqual([2]);
    });

    it('shares one group between two buses (two connections): each event handled once', async () => {
      const other = url ? await createDatabase({ url }) : database;
      const busA = await createLogBus({ database, pollIntervalMs: 10, leaseMs: 2_000 });
      const busB = await createLogBus({ database: other, pollIntervalMs: 10, leaseMs: 2_000 });
      const topic = uniqueTopic('members');
      const handledBy: Array<{ member: string; event: EventEnvelope }> = [];
      const member = (name: string, bus: EventBus) =>
        bus.subscribe({
          group: 'shared-group',
          topics: [topic],
          fromBeginning: true,
          handler: async (event) => {
            handledBy.push({ member: name, event });
            await new Promise((resolve) => setTimeout(resolve, 2));
          },
        });
      const [subA, subB] = await Promise.all([member('a', busA), member('b', busB)]);
      const first = Array.from({ length: 40 }, (_, i) =>
        testEvent(topic, `k${i % 4}`, Math.floor(i / 4) + 1),
      );
      await busA.publish(first.slice(0, 20));
      await busB.publish(first.slice(20));
      await waitFor(() => handledBy.length >= 40, 'first 40 events');
      // Whoever holds the lease stops; the other member takes over from the committed offset.
      const holder = handledBy[0]!.member;
      await (holder === 'a' ? subA : subB).stop();
      const second = Array.from({ length: 20 }, (_, i) =>
        testEvent(topic, `k${i % 4}`, 11 + Math.floor(i / 4)),
      );
      await busA.publish(second);
      await waitFor(() => handledBy.length >= 60, 'events after failover');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await Promise.all([subA.stop(), subB.stop()]);
      await Promise.all([busA.close(), busB.close()]);
      if (other !== database) await other.close();
      const ids = handledBy.map((h) => h.event.id);
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
      expect(handledBy.slice(40).every((h) => h.member !== holder)).toBe(true);
      for (const key of ['k0', 'k1', 'k2', 'k3']) {
        const sequences = handledBy
          .filter((h) => h.event.subject === key)
          .map((h) => h.event.sequence);
        expect(sequences).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      }
    });

    it('wakes subscribers on an append (in this process, and from another connection on Postgres) long before the poll', async () => {
      // A 30 s poll: only a wake-up can deliver within the deadlines below.
      const other = url ? await createDatabase({ url }) : database;
      const busA = await createLogBus({ database, pollIntervalMs: 30_000 });
      const busB = await createLogBus({ database: other, pollIntervalMs: 30_000 });
      const topic = uniqueTopic('wake');
      const seen = { a: [] as number[], b: [] as number[] };
      const subscriber = (name: 'a' | 'b', bus: EventBus) =>
        bus.subscribe({
          group: uniqueTopic(`wake-${name}`),
          topics: [topic],
          handler: async (event) => {
            seen[name].push(event.sequence);
          },
        });
      const [subA, subB] = await Promise.all([subscriber('a', busA), subscriber('b', busB)]);
      // Let both loops reach their (30 s) pause first.
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const sequence of [1, 2, 3]) {
        const started = performance.now();
        await busA.publish([testEvent(topic, 'k', sequence)]);
        await waitFor(() => seen.a.length === sequence && seen.b.length === sequence, 'woken');
        expect(performance.now() - started).toBeLessThan(2_000);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(seen).toEqual({ a: [1, 2, 3], b: [1, 2, 3] });
      // stop() ends the pause at once rather than after the poll interval.
      const stopping = performance.now();
      await Promise.all([subA.stop(), subB.stop()]);
      expect(performance.now() - stopping).toBeLessThan(2_000);
      await Promise.all([busA.close(), busB.close()]);
      if (other !== database) await other.close();
    });

    it('gives every ephemeral subscriber every event and leaves no group state behind', async () => {
      const other = url ? await createDatabase({ url }) : database;
      const busA = await createLogBus({ database, pollIntervalMs: 10, leaseMs: 2_000 });
      const busB = await createLogBus({ database: other, pollIntervalMs: 10, leaseMs: 2_000 });
      const topic = uniqueTopic('broadcast');
      const prefix = uniqueTopic('ephemeral-group');
      const groupRows = async () =>
        database.query<{ group_id: string }>(
          `select group_id from events.consumer_offsets where group_id like $1 || '%'
           union all select group_id from events.group_leases where group_id like $1 || '%'`,
          [prefix],
        );
      await busA.publish([testEvent(topic, 'k', 1)]); // before: never delivered
      const seen = { a: [] as number[], b: [] as number[] };
      const subscriber = (name: 'a' | 'b', bus: EventBus) =>
        bus.subscribe({
          group: prefix,
          ephemeral: true,
          fromBeginning: true, // ignored: an ephemeral group starts at the end
          topics: [topic],
          handler: async (event) => {
            seen[name].push(event.sequence);
          },
        });
      const [subA, subB] = await Promise.all([subscriber('a', busA), subscriber('b', busB)]);
      expect(await groupRows()).toHaveLength(4); // a position and a lease per subscriber
      await busB.publish([2, 3, 4].map((sequence) => testEvent(topic, 'k', sequence)));
      await waitFor(() => seen.a.length === 3 && seen.b.length === 3, 'every event on both');
      expect(seen).toEqual({ a: [2, 3, 4], b: [2, 3, 4] });
      await Promise.all([subA.stop(), subB.stop()]);
      expect(await groupRows()).toEqual([]);

      // A member that died without stopping leaves its rows; a later ephemeral subscriber past
      // the grace sweeps them (and never a live member's).
      const dead = `${prefix}${EPHEMERAL_GROUP_MARK}dead`;
      await database.query(
        `insert into events.consumer_offsets (group_id, topic, position) values ($1, $2, 0)`,
        [dead, topic],
      );
      await database.query(
        `insert into events.group_leases (group_id, topic, owner, expires_at)
         values ($1, $2, 'dead', now() - interval '2 seconds')`,
        [dead, topic],
      );
      const sweeper = await createLogBus({ database, pollIntervalMs: 10, ephemeralGraceMs: 1_000 });
      const live = await subscriber('a', busA);
      expect((await groupRows()).map((row) => row.group_id)).toContain(dead);
      const later = await sweeper.subscribe({
        group: prefix,
        ephemeral: true,
        topics: [topic],
        handler: async () => undefined,
      });
      const left = (await groupRows()).map((row) => row.group_id);
      expect(left).not.toContain(dead);
      expect(left).toHaveLength(4); // the live one's and the new one's
      await Promise.all([live.stop(), later.stop()]);
      expect(await groupRows()).toEqual([]);
      await Promise.all([busA.close(), busB.close(), sweeper.close()]);
      if (other !== database) await other.close();
    });
  });
}
