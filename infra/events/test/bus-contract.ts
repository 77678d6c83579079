import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetter, EventBus, EventEnvelope } from '../src/index';
import { testEvent, waitFor } from './helpers';

/** What the contract needs from an adapter under test. */
export interface BusHarness {
  bus: EventBus;
  /** A fresh topic (created with several partitions where the backend has partitions). */
  newTopic(): Promise<string>;
  /** Writes `raw` to `topic` bypassing `publish`'s validation (a malformed message). */
  injectRaw(topic: string, key: string, raw: string): Promise<void>;
  close(): Promise<void>;
}

/** Collects what a subscription handled, per key. */
function collector() {
  const handled: EventEnvelope[] = [];
  return {
    handled,
    handler: async (envelope: EventEnvelope) => {
      handled.push(envelope);
    },
    sequencesOf: (key: string) => handled.filter((e) => e.subject === key).map((e) => e.sequence),
  };
}

/** Events for `keys`, sequences 1..perKey each, interleaved key by key. */
function interleaved(topic: string, keys: string[], perKey: number, from = 1): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  for (let sequence = from; sequence < from + perKey; sequence += 1) {
    for (const key of keys) events.push(testEvent(topic, key, sequence));
  }
  return events;
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Registers the EventBus contract for one adapter: delivery, per-key order, independent groups,
 * resume after the last committed event, redelivery after a handler failure, dead-lettering.
 */
export function registerBusContract(
  name: string,
  open: () => Promise<BusHarness>,
  timeoutMs = 20_000,
): void {
  describe(`EventBus contract: ${name}`, () => {
    let harness: BusHarness;
    beforeAll(async () => {
      harness = await open();
    });
    afterAll(async () => {
      await harness?.close();
    });

    it('delivers every published event once, in order per key', async () => {
      const topic = await harness.newTopic();
      const keys = ['order-a', 'order-b', 'order-c', 'order-d'];
      const sink = collector();
      const sub = await harness.bus.subscribe({
        group: 'g-deliver',
        topics: [topic],
        handler: sink.handler,
        fromBeginning: true,
      });
      const events = interleaved(topic, keys, 10);
      for (let i = 0; i < events.length; i += 7) await harness.bus.publish(events.slice(i, i + 7));
      await waitFor(() => sink.handled.length >= events.length, 'all events', timeoutMs);
      await sub.stop();
      expect(sink.handled.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
      for (const key of keys) expect(sink.sequencesOf(key)).toEqual(range(1, 10));
      expect(sink.handled[0]?.data).toEqual({
        key: sink.handled[0]?.subject,
        sequence: sink.handled[0]?.sequence,
      });
    });

    it('gives every event to each of two groups', async () => {
      const topic = await harness.newTopic();
      const a = collector();
      const b = collector();
      const [subA, subB] = await Promise.all([
        harness.bus.subscribe({
          group: 'g-two-a',
          topics: [topic],
          handler: a.handler,
          fromBeginning: true,
        }),
        harness.bus.subscribe({
          group: 'g-two-b',
          topics: [topic],
          handler: b.handler,
          fromBeginning: true,
        }),
      ]);
      const events = interleaved(topic, ['k1', 'k2'], 8);
      await harness.bus.publish(events);
      await waitFor(
        () => a.handled.length >= 16 && b.handled.length >= 16,
        'both groups',
        timeoutMs,
      );
      await Promise.all([subA.stop(), subB.stop()]);
      const ids = events.map((e) => e.id).sort();
      expect(a.handled.map((e) => e.id).sort()).toEqual(ids);
      expect(b.handled.map((e) => e.id).sort()).toEqual(ids);
      expect(a.sequencesOf('k2')).toEqual(range(1, 8));
      expect(b.sequencesOf('k1')).toEqual(range(1, 8));
    });

    it('resumes a re-subscribed group after its last committed event', async () => {
      const topic = await harness.newTopic();
      const first = collector();
      const sub1 = await harness.bus.subscribe({
        group: 'g-resume',
        topics: [topic],
        handler: first.handler,
        fromBeginning: true,
      });
      const before = interleaved(topic, ['r1', 'r2', 'r3'], 4);
      await harness.bus.publish(before);
      await waitFor(() => first.handled.length >= before.length, 'first batch', timeoutMs);
      await sub1.stop();
      const after = interleaved(topic, ['r1', 'r2', 'r3'], 3, 5);
      await harness.bus.publish(after);
      const second = collector();
      const sub2 = await harness.bus.subscribe({
        group: 'g-resume',
        topics: [topic],
        handler: second.handler,
        fromBeginning: true,
      });
      await waitFor(() => second.handled.length >= after.length, 'second batch', timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 300)); // room for unwanted re-deliveries
      await sub2.stop();
      expect(first.handled.map((e) => e.id).sort()).toEqual(before.map((e) => e.id).sort());
      expect(second.handled.map((e) => e.id).sort()).toEqual(after.map((e) => e.id).sort());
      expect(second.sequencesOf('r2')).toEqual([5, 6, 7]);
    });

    it('redelivers an event whose handler failed, without skipping the stream', async () => {
      const topic = await harness.newTopic();
      const events = interleaved(topic, ['f1'], 6);
      const poisoned = events[2]!.id;
      const attempts = new Map<string, number>();
      const succeeded: EventEnvelope[] = [];
      const sub = await harness.bus.subscribe({
        group: 'g-retry',
        topics: [topic],
        fromBeginning: true,
        handler: async (envelope) => {
          const attempt = (attempts.get(envelope.id) ?? 0) + 1;
          attempts.set(envelope.id, attempt);
          if (envelope.id === poisoned && attempt === 1) throw new Error('transient failure');
          succeeded.push(envelope);
        },
      });
      await harness.bus.publish(events);
      await waitFor(
        () => succeeded.length >= events.length,
        'all events after a failure',
        timeoutMs,
      );
      await sub.stop();
      expect(attempts.get(poisoned)).toBe(2);
      expect(succeeded.map((e) => e.sequence)).toEqual(range(1, 6));
      expect([...attempts.values()].reduce((sum, n) => sum + n, 0)).toBe(7);
    });

    it('dead-letters a malformed message and keeps consuming', async () => {
      const topic = await harness.newTopic();
      const sink = collector();
      const letters: DeadLetter[] = [];
      const sub = await harness.bus.subscribe({
        group: 'g-malformed',
        topics: [topic],
        handler: sink.handler,
        fromBeginning: true,
        onDeadLetter: (letter) => {
          letters.push(letter);
        },
      });
      await harness.bus.publish([testEvent(topic, 'm1', 1)]);
      await harness.injectRaw(topic, 'm1', '{"hello":"not an envelope"}');
      await harness.bus.publish([testEvent(topic, 'm1', 2)]);
      await waitFor(
        () => sink.handled.length >= 2 && letters.length >= 1,
        'events and dead letter',
        timeoutMs,
      );
      await sub.stop();
      expect(sink.sequencesOf('m1')).toEqual([1, 2]);
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({
        group: 'g-malformed',
        topic,
        key: 'm1',
        raw: '{"hello":"not an envelope"}',
      });
      expect(letters[0]?.reason).toMatch(/malformed envelope/);
    });

    it('rejects publishing an invalid envelope', async () => {
      const topic = await harness.newTopic();
      const bad = { ...testEvent(topic, 'x', 1), id: 'not-a-uuid' };
      await expect(harness.bus.publish([bad])).rejects.toThrow(/invalid envelope/);
    });
  });
}
