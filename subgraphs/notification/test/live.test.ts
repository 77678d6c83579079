import { describe, expect, it } from 'vitest';
import { createLiveStream, createTopicListeners, type LoadedPage } from '../src/live';

interface Item {
  v: number;
}

/** A stream over an in-memory store (2 items per page) and this process's topic listeners. */
function setup(options: { start?: number; load?: (after: number) => Promise<void> } = {}) {
  const listeners = createTopicListeners();
  const store: Item[] = [];
  const loads: number[] = [];
  const stream = createLiveStream<Item>({
    wakeups: listeners,
    topic: 't',
    start: options.start ?? 0,
    position: (item) => item.v,
    async load(after): Promise<LoadedPage<Item>> {
      loads.push(after);
      const items = store.filter((item) => item.v > after).slice(0, 2);
      // The hook runs after the store was read (a commit meanwhile is not in this page).
      await options.load?.(after);
      return { items, done: items.length < 2 };
    },
  });
  /** Commits items to the store, then wakes the topic (as the consumer does after its commit). */
  const commit = (...versions: number[]) => {
    store.push(...versions.map((v) => ({ v })));
    listeners.wake('t');
  };
  return { listeners, store, stream, loads, commit };
}

const take = async (stream: AsyncIterator<Item>, count: number) => {
  const items: number[] = [];
  for (let i = 0; i < count; i += 1) items.push(((await stream.next()).value as Item).v);
  return items;
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('live streams (wake-ups, items from the store)', () => {
  it('emits the stored items after its start (paged), then what each wake-up finds', async () => {
    const { stream, store, loads, commit } = setup({ start: 1 });
    store.push({ v: 1 }, { v: 2 }, { v: 3 });
    expect(await take(stream, 2)).toEqual([2, 3]);
    expect(loads).toEqual([1]);
    const pending = stream.next();
    await tick();
    // The first page was full: the next pull read on, found nothing, and waits.
    expect(loads).toEqual([1, 3]);
    commit(4, 5);
    expect(await pending).toEqual({ value: { v: 4 }, done: false });
    expect(await take(stream, 1)).toEqual([5]);
    await stream.return();
  });

  it('never emits an item twice or out of order, even when the store returns old items', async () => {
    const { stream, store, commit } = setup();
    commit(1, 2);
    expect(await take(stream, 2)).toEqual([1, 2]);
    // A wake-up with nothing new, then an item at or before the position: nothing is emitted.
    store.push({ v: 2 });
    commit();
    commit(3);
    expect(await take(stream, 1)).toEqual([3]);
    await stream.return();
  });

  it('a wake-up during a load makes another load follow (nothing committed meanwhile is missed)', async () => {
    let release: (() => void) | undefined;
    let gate = true;
    const { stream, commit, loads } = setup({
      load: async () => {
        if (!gate) return;
        gate = false;
        await new Promise<void>((resolve) => (release = resolve));
      },
    });
    const first = stream.next();
    await tick();
    expect(loads).toEqual([0]);
    // Committed and woken while the first load is in flight (it already read an empty store).
    commit(1);
    release!();
    expect(await first).toEqual({ value: { v: 1 }, done: false });
    expect(loads).toEqual([0, 0]);
    await stream.return();
  });

  it('a slow subscriber gets every item once, in order, from the store (no buffer, no drop)', async () => {
    const { stream, commit, loads } = setup();
    expect(await Promise.race([stream.next(), tick().then(() => 'waiting')])).toBe('waiting');
    // 50 commits while the subscriber does not pull.
    for (let v = 1; v <= 50; v += 1) commit(v);
    const items = await take(stream, 50);
    expect(items).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // Reads are paged, not one per wake-up.
    expect(loads.length).toBeLessThan(30);
    await stream.return();
  });

  it('return() ends a waiting next() at once and stops listening', async () => {
    const { listeners, stream, commit } = setup();
    expect(listeners.listenerCount('t')).toBe(1);
    const pending = stream.next();
    await tick();
    await stream.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(listeners.listenerCount()).toBe(0);
    commit(9);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('a failing load ends the stream with the error and stops listening', async () => {
    const { listeners, stream } = setup({
      load: async () => {
        throw new Error('database unavailable');
      },
    });
    await expect(stream.next()).rejects.toThrow('database unavailable');
    expect(listeners.listenerCount()).toBe(0);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});
