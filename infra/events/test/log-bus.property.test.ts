import { createDatabase, type Database } from '@shop/db';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogBus, type EventBus, type EventEnvelope, type Subscription } from '../src/index';
import { memoryLogger, testEvent, uniqueTopic, waitFor } from './helpers';

let database: Database;
let bus: EventBus;
beforeAll(async () => {
  database = await createDatabase();
  bus = await createLogBus({
    database,
    pollIntervalMs: 5,
    maxBackoffMs: 10,
    logger: memoryLogger(),
  });
});
afterAll(async () => {
  await bus.close();
  await database.close();
});

const keys = ['a', 'b', 'c', 'd'];

/**
 * For random publish batches (random keys), random handler failures per event and group, and a
 * random point at which the groups subscribe: every group's successful handlings are exactly the
 * published events, each once, in publish order per key, and failures never reorder a key.
 */
it('log bus: each group handles every event exactly once, in order per key (fast-check)', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(fc.constantFrom(...keys), { minLength: 1, maxLength: 6 }), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.array(fc.nat({ max: 2 }), { minLength: 40, maxLength: 40 }),
      fc.nat({ max: 6 }),
      async (batches, failuresByIndex, subscribeAfter) => {
        run += 1;
        const topic = uniqueTopic('prop');
        const sequences = new Map<string, number>();
        const published: EventEnvelope[] = [];
        const groups = ['g1', 'g2'].map((name, g) => ({
          name: `${name}-${run}`,
          failuresLeft: new Map<string, number>(),
          handled: [] as EventEnvelope[],
          // g1 fails per the generated pattern, g2 with a shifted pattern.
          failuresFor: (index: number) =>
            failuresByIndex[(index + g * 7) % failuresByIndex.length] ?? 0,
        }));
        const subs: Subscription[] = [];
        const subscribeAll = async () => {
          for (const group of groups) {
            subs.push(
              await bus.subscribe({
                group: group.name,
                topics: [topic],
                fromBeginning: true,
                handler: async (envelope) => {
                  const left = group.failuresLeft.get(envelope.id) ?? 0;
                  if (left > 0) {
                    group.failuresLeft.set(envelope.id, left - 1);
                    throw new Error('injected failure');
                  }
                  group.handled.push(envelope);
                },
              }),
            );
          }
        };
        for (const [b, batch] of batches.entries()) {
          if (b === subscribeAfter) await subscribeAll();
          const events = batch.map((key) => {
            const sequence = (sequences.get(key) ?? 0) + 1;
            sequences.set(key, sequence);
            return testEvent(topic, key, sequence);
          });
          for (const group of groups) {
            events.forEach((event, i) =>
              group.failuresLeft.set(event.id, group.failuresFor(published.length + i)),
            );
          }
          published.push(...events);
          await bus.publish(events);
        }
        if (subs.length === 0) await subscribeAll();
        await waitFor(
          () => groups.every((g) => g.handled.length >= published.length),
          'all groups',
          20_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
        await Promise.all(subs.map((s) => s.stop()));
        const ids = published.map((e) => e.id).sort();
        for (const group of groups) {
          expect(group.handled.map((e) => e.id).sort()).toEqual(ids);
          for (const key of keys) {
            const expected = published.filter((e) => e.subject === key).map((e) => e.id);
            expect(group.handled.filter((e) => e.subject === key).map((e) => e.id)).toEqual(
              expected,
            );
          }
          expect([...group.failuresLeft.values()].every((n) => n === 0)).toBe(true);
        }
      },
    ),
    { numRuns: 15 },
  );
}, 60_000);
