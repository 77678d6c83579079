import { describe, expect, it } from 'vitest';
import { AccountStatusCache } from '../src/account-status';

describe('AccountStatusCache', () => {
  const setup = (options: { fail?: () => boolean } = {}) => {
    let now = 0;
    const truth = new Map<string, boolean>([
      ['a', true],
      ['b', true],
    ]);
    const calls: string[][] = [];
    const cache = new AccountStatusCache(
      async (ids) => {
        calls.push(ids);
        if (options.fail?.()) throw new Error('user subgraph down');
        return new Map(ids.map((id) => [id, truth.get(id) ?? false]));
      },
      { now: () => now },
    );
    return { cache, truth, calls, advance: (ms: number) => (now += ms) };
  };

  it('asks once for the ids of one turn, shares the answer, and serves it for 30 s by default', async () => {
    const { cache, truth, calls, advance } = setup();
    const answers = await Promise.all([
      cache.isActive('a'),
      cache.isActive('b'),
      cache.isActive('a'),
      cache.isActive('gone'),
    ]);
    expect(answers).toEqual([true, true, true, false]);
    expect(calls).toEqual([['a', 'b', 'gone']]);
    // Disabled now: still served from the cache until 30 s have passed, then refused.
    truth.set('a', false);
    advance(29_999);
    expect(await cache.isActive('a')).toBe(true);
    expect(calls).toHaveLength(1);
    advance(1);
    expect(await cache.isActive('a')).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('keeps the last known status when the source cannot answer, and asks again after 5 s', async () => {
    let down = false;
    const { cache, truth, calls, advance } = setup({ fail: () => down });
    const error = console.error;
    console.error = () => {};
    try {
      truth.set('a', false);
      expect(await cache.isActive('a')).toBe(false);
      advance(30_000);
      down = true;
      truth.set('a', true);
      expect(await cache.isActive('a')).toBe(false); // last known
      expect(await cache.isActive('new')).toBe(true); // unknown: active
      expect(calls).toHaveLength(3);
      advance(4_999);
      expect(await cache.isActive('a')).toBe(false);
      expect(calls).toHaveLength(3);
      down = false;
      advance(1);
      expect(await cache.isActive('a')).toBe(true);
    } finally {
      console.error = error;
    }
  });

  it('serves an account marked active after a sign-in without a call, for the max age', async () => {
    const { cache, truth, calls, advance } = setup();
    cache.markActive('a');
    truth.set('a', false);
    expect(await cache.isActive('a')).toBe(true);
    expect(calls).toHaveLength(0);
    advance(30_000);
    expect(await cache.isActive('a')).toBe(false);
    expect(calls).toEqual([['a']]);
  });

  it('asks at most 100 ids per call', async () => {
    const { cache, calls } = setup();
    await Promise.all(Array.from({ length: 250 }, (_, i) => cache.isActive(`u${i}`)));
    expect(calls.map((ids) => ids.length)).toEqual([100, 100, 50]);
  });
});
