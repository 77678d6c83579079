import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { startPrivateRedis, testDatabaseTargets } from '@shop/testing';
import { createRedisCache, cartCacheKey } from '../src/cache';
import { ADD, customer, startHarness, UPDATE, type Harness } from './harness';

const REDIS_URL = process.env.REDIS_URL;
const CLOSED_PORT = 'redis://127.0.0.1:1';

// With REDIS_URL (CI): a real Redis; always: a Redis URL nobody listens on.
const redisTargets = [
  ...(REDIS_URL ? [{ name: 'redis', url: REDIS_URL, up: true }] : []),
  { name: 'closed port', url: CLOSED_PORT, up: false },
];

describe('redis cart cache without redis', () => {
  it('should answer misses quickly and swallow errors', async () => {
    const cache = createRedisCache(CLOSED_PORT, () => undefined);
    const started = Date.now();
    for (let i = 0; i < 20; i += 1) {
      expect(await cache.get('00000000-0000-4000-8000-000000000000', 1)).toBeUndefined();
    }
    expect(Date.now() - started).toBeLessThan(200);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 20 });
    await cache.close();
    await cache.close(); // twice is fine
  });
});

describe('redis cart cache across a Redis crash', () => {
  it('should keep answering while Redis is killed and cache again once it restarts', async () => {
    const redis = await startPrivateRedis();
    const cache = createRedisCache(redis.url, () => undefined);
    const snapshot = (version: number) =>
      ({
        id: '00000000-0000-4000-8000-000000000001',
        version,
        createdAt: new Date(),
        updatedAt: new Date(),
        lines: [],
      }) as unknown as Parameters<typeof cache.set>[0];
    const ready = async () => {
      const deadline = Date.now() + 8_000;
      for (let version = 100; Date.now() < deadline; version += 1) {
        await cache.set(snapshot(version));
        if (await cache.get(snapshot(version).id, version)) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return false;
    };
    try {
      expect(await ready()).toBe(true);
      await redis.kill();
      const started = performance.now();
      for (let i = 0; i < 20; i += 1) {
        await cache.set(snapshot(1));
        expect(await cache.get(snapshot(1).id, 1)).toBeUndefined();
      }
      // Never waits on the dead server: 40 calls well under one command timeout each.
      expect(performance.now() - started).toBeLessThan(1_000);
      await redis.start();
      // The client reconnects by itself (no restart of the subgraph).
      expect(await ready()).toBe(true);
      expect(cache.stats().hits).toBeGreaterThanOrEqual(2);
    } finally {
      await cache.close();
      await redis.stop();
    }
  });
});

describe.each(testDatabaseTargets())('cart cache on $name', (target) => {
  describe.each(redisTargets)('with $name', ({ url, up }) => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(target, { redisUrl: url });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('should serve fresh carts after writes, quickly', async () => {
      const me = customer();
      const mug = h.product.add({ sku: 'MUG' });
      for (let round = 1; round <= 3; round += 1) {
        const started = Date.now();
        const added = await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 1 }] });
        expect(added.cart?.lines[0]?.quantity).toBe(round);
        const first = await h.readCart(me);
        const second = await h.readCart(me);
        expect(first?.lines[0]?.quantity).toBe(round);
        expect(second).toEqual(first);
        expect(Date.now() - started).toBeLessThan(1_000);
      }
      const updated = await h.mutate(me, UPDATE, { variantId: mug.id, quantity: 7 });
      const read = await h.readCart(me);
      expect(read?.lines[0]?.quantity).toBe(7);
      expect(read?.version).toBe(updated.cart?.version);

      const guestStarted = Date.now();
      const guest = await h.mutate(null, ADD, { lines: [{ variantId: mug.id, quantity: 2 }] });
      expect((await h.readCart(null, guest.cartToken))?.totalQuantity).toBe(2);
      expect(Date.now() - guestStarted).toBeLessThan(1_000);

      if (up) {
        // The snapshot of the current version is in Redis, and it is what reads return.
        const client = createClient({ url });
        await client.connect();
        try {
          const cached = await client.get(cartCacheKey(read!.id, read!.version));
          expect(JSON.parse(cached!)).toMatchObject({
            id: read!.id,
            version: read!.version,
            lines: [{ variantId: mug.id, quantity: 7 }],
          });
          expect(await client.ttl(cartCacheKey(read!.id, read!.version))).toBeGreaterThan(500);
          // Reads come from the cache while the version is current...
          const key = cartCacheKey(read!.id, read!.version);
          const doctored = JSON.parse(cached!) as { lines: Array<{ quantity: number }> };
          doctored.lines[0]!.quantity = 42;
          await client.set(key, JSON.stringify(doctored));
          expect((await h.readCart(me))?.lines[0]?.quantity).toBe(42);
          // ...and a write moves to a new version, so the old entry is never read again.
          await h.mutate(me, UPDATE, { variantId: mug.id, quantity: 8 });
          expect((await h.readCart(me))?.lines[0]?.quantity).toBe(8);
          // Postgres stays the source of truth: a stale version key is never read.
          await client.set(
            cartCacheKey(read!.id, read!.version - 1),
            JSON.stringify({ bogus: true }),
          );
          expect((await h.readCart(me))?.lines[0]?.quantity).toBe(8);
        } finally {
          client.destroy();
        }
      }
    });
  });
});
