import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import { cartCacheKey } from '../src/cache';
import { ADD, customer, startHarness, UPDATE, type Harness } from './harness';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Two replicas of the cart subgraph on one database and one Redis: they share the cached
 * snapshots, and a change through one is never served stale by the other (the version comes
 * from Postgres on every read; Redis only holds immutable per-version snapshots).
 */
describe.each(testDatabaseTargets())('cart cache across two replicas on $name', (target) => {
  const prefix = `test-${randomUUID()}:`;
  let h: Harness;
  let a: Pick<Harness, 'mutate' | 'readCart'>;
  let b: Pick<Harness, 'mutate' | 'readCart'>;
  let redis: ReturnType<typeof createClient>;

  beforeAll(async () => {
    h = await startHarness(target, { redisUrl: REDIS_URL, redisKeyPrefix: prefix });
    a = h;
    b = await h.startReplica({ redisUrl: REDIS_URL, redisKeyPrefix: prefix });
    redis = createClient({ url: REDIS_URL });
    redis.on('error', () => {});
    await redis.connect();
  });
  afterAll(async () => {
    await h?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(keys);
    redis?.destroy();
  });

  it('should share snapshots through Redis and never serve a stale cart from the other replica', async () => {
    const me = customer();
    const mug = h.product.add({ sku: `MUG-${randomUUID().slice(0, 8)}` });
    const added = await a.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 1 }] });
    const { id, version } = added.cart!;
    const key = cartCacheKey(id, version, prefix);
    // Replica A caches the snapshot once its Redis client is connected (in the background).
    await eventually(async () => {
      await a.readCart(me);
      return (await redis.exists(key)) === 1;
    }, 'A caches the snapshot');

    // Replica B serves the snapshot A cached: doctor it in Redis and B returns the doctored one.
    const doctored = JSON.parse((await redis.get(key))!) as { lines: Array<{ quantity: number }> };
    doctored.lines[0]!.quantity = 42;
    await redis.set(key, JSON.stringify(doctored));
    await eventually(
      async () => (await b.readCart(me))?.lines[0]?.quantity === 42,
      'B serves the shared snapshot',
    );

    // Writes alternate between the replicas; each read through the other one is fresh.
    let expected = 1;
    for (let round = 0; round < 6; round += 1) {
      const [writer, reader] = round % 2 === 0 ? [b, a] : [a, b];
      expected = round + 2;
      const updated = await writer.mutate(me, UPDATE, { variantId: mug.id, quantity: expected });
      const read = await reader.readCart(me);
      expect(read?.version).toBe(updated.cart?.version);
      expect(read?.lines[0]?.quantity).toBe(expected);
      // Read again (now from Redis on both sides): still the current version.
      expect((await writer.readCart(me))?.lines[0]?.quantity).toBe(expected);
      expect((await reader.readCart(me))?.lines[0]?.quantity).toBe(expected);
    }
    const final = await a.readCart(me);
    expect(await redis.exists(cartCacheKey(id, final!.version, prefix))).toBe(1);

    // A guest cart made on one replica is read and changed with its token on the other.
    const guest = await a.mutate(null, ADD, { lines: [{ variantId: mug.id, quantity: 2 }] });
    expect((await b.readCart(null, guest.cartToken))?.totalQuantity).toBe(2);
    const more = await b.mutate(null, ADD, {
      cartToken: guest.cartToken,
      lines: [{ variantId: mug.id, quantity: 1 }],
    });
    expect(more.userErrors).toEqual([]);
    expect((await a.readCart(null, guest.cartToken))?.totalQuantity).toBe(3);
  });
});
