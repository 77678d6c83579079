import { describe, expect, it } from 'vitest';
import { createLiveStream, createPubSub, type LoadedPage } from '../src/pubsub';

interface Item {
  v: number;
  from: 'store' | 'live';
}

function setup(stored: Item[], options: { maxBuffer?: number; start?: number } = {}) {
  const pubsub = createPubSub();
  const warnings: string[] = [];
  const loads: number[] = [];
  const stream = createLiveStream<Item>({
    pubsub,
    topic: 't',
    label: 'test',
    start: options.start ?? 0,
    ...(options.maxBuffer ? { maxBuffer: options.maxBuffer } : {}),
    logger: { warn: (message) => warnings.push(message) },
    position: (item) => item.v,
    async load(after): Promise<LoadedPage<Item>> {
      loads.push(after);
      const items = stored.filter((item) => item.v > after).slice(0, 2);
      return { items, done: items.length < 2 };
    },
  });
  return { pubsub, stream, warnings, loads };
}

const take = async (stream: AsyncIterator<Item>, count: number) => {
  const items: Item[] = [];
  for (let i = 0; i < count; i += 1) items.push((await stream.next()).value as Item);
  return items;
};

describe('live streams', () => {
  it('emits the stored items (paged) then live ones, skipping what it already sent', async () => {
    const stored = [1, 2, 3].map((v) => ({ v, from: 'store' as const }));
    const { pubsub, stream, loads } = setup(stored, { start: 0 });
    // Published while loading: 3 is also stored (dropped as a duplicate), 4 is new.
    pubsub.publish('t', { v: 3, from: 'live' });
    pubsub.publish('t', { v: 4, from: 'live' });
    expect(await take(stream, 4)).toEqual([
      { v: 1, from: 'store' },
      { v: 2, from: 'store' },
      { v: 3, from: 'store' },
      { v: 4, from: 'live' },
    ]);
    expect(loads).toEqual([0, 2]);
    const pending = stream.next();
    pubsub.publish('t', { v: 2, from: 'live' });
    pubsub.publish('t', { v: 5, from: 'live' });
    expect(await pending).toEqual({ value: { v: 5, from: 'live' }, done: false });
    await stream.return();
  });

  it('return() ends a waiting next() at once and removes the listener', async () => {
    const { pubsub, stream } = setup([]);
    expect(pubsub.listenerCount('t')).toBe(1);
    const pending = stream.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await stream.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(pubsub.listenerCount()).toBe(0);
    pubsub.publish('t', { v: 9, from: 'live' });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('drops the oldest live items past the buffer, logs, and catches up from the store', async () => {
    const store: Item[] = [];
    const { pubsub, stream, warnings } = setup(store, { maxBuffer: 3 });
    // Every event is committed to the store before it is published.
    const commit = (v: number) => {
      store.push({ v, from: 'store' });
      pubsub.publish('t', { v, from: 'live' });
    };
    // The first pull loads (empty store), then waits.
    const first = stream.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    commit(1);
    expect(await first).toEqual({ value: { v: 1, from: 'live' }, done: false });
    // The consumer stalls while 9 more events arrive: a buffer of 3 overflows.
    for (let v = 2; v <= 10; v += 1) commit(v);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('slow subscriber fell behind by more than 3 events');
    const rest = await take(stream, 9);
    expect(rest.map((item) => item.v)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The gap was filled from the store, the rest from the live buffer.
    expect(rest.slice(0, 6).every((item) => item.from === 'store')).toBe(true);
    await stream.return();
    expect(pubsub.listenerCount()).toBe(0);
  });
});
