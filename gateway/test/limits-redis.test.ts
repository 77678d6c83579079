import { setLogSink } from '@shop/log';
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@shop/testing';
import {
  createRateLimiter,
  createRedisRateLimitStore,
  type RedisRateLimitStore,
} from '../src/limits';

const quiet = { log: () => {} };

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// Rate-limit counters in a real Redis: shared by gateway instances, and never failing open
// while Redis is down (the limiter counts in memory until the client has reconnected).
describe('rate limits in Redis', () => {
  let redis: PrivateRedis;
  let reader: ReturnType<typeof createClient>;
  const stores: RedisRateLimitStore[] = [];
  const store = () => {
    const created = createRedisRateLimitStore(redis.url, quiet);
    stores.push(created);
    return created;
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    reader = createClient({ url: redis.url });
    reader.on('error', () => {});
    await reader.connect();
  });
  afterAll(async () => {
    await Promise.all(stores.map((created) => created.close()));
    reader?.destroy();
    await redis?.stop();
  });

  it('shares one counter between two gateway instances and keeps it in Redis', async () => {
    const [a, b] = [store(), store()];
    await eventually(() => a.isReady() && b.isReady());
    const key = randomUUID();
    const limiterA = createRateLimiter({ points: 3, durationMs: 60_000, store: a, fallback: null });
    const limiterB = createRateLimiter({ points: 3, durationMs: 60_000, store: b, fallback: null });
    expect((await limiterA.consume(key)).ok).toBe(true);
    expect((await limiterB.consume(key)).ok).toBe(true);
    expect(await limiterA.consume(key)).toEqual({ ok: true, remaining: 0 });
    const rejected = await limiterB.consume(key);
    expect(rejected).toMatchObject({ ok: false, remaining: 0 });
    expect(rejected.ok || rejected.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(await reader.get(`ratelimit:${key}`)).toBe('4');
    expect(await reader.pTTL(`ratelimit:${key}`)).toBeGreaterThan(59_000);

    await limiterA.reset(key);
    expect(await reader.exists(`ratelimit:${key}`)).toBe(0);
    expect((await limiterB.consume(key)).ok).toBe(true);
  });

  it('starts a new window when the key expires', async () => {
    const a = store();
    await eventually(() => a.isReady());
    const limiter = createRateLimiter({ points: 1, durationMs: 300, store: a, fallback: null });
    const key = randomUUID();
    expect((await limiter.consume(key)).ok).toBe(true);
    expect((await limiter.consume(key)).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await limiter.consume(key)).ok).toBe(true);
  });

  it('keeps limiting in memory while Redis is killed, and uses Redis again once it is back', async () => {
    const protectedStore = store();
    const failOpenStore = store();
    await eventually(() => protectedStore.isReady() && failOpenStore.isReady());
    const silenced = setLogSink(() => {});
    try {
      const limiter = createRateLimiter({ points: 3, durationMs: 60_000, store: protectedStore });
      // The unprotected configuration: no fallback, so a store failure lets everything through.
      const failOpen = createRateLimiter({
        points: 3,
        durationMs: 60_000,
        store: failOpenStore,
        fallback: null,
      });
      const key = randomUUID();
      expect((await limiter.consume(key)).ok).toBe(true);
      expect(await reader.get(`ratelimit:${key}`)).toBe('1');

      await redis.kill();
      const outcomes: boolean[] = [];
      const failOpenOutcomes: boolean[] = [];
      let slowest = 0;
      for (let i = 0; i < 5; i += 1) {
        const started = performance.now();
        outcomes.push((await limiter.consume(key)).ok);
        slowest = Math.max(slowest, performance.now() - started);
        failOpenOutcomes.push((await failOpen.consume(key)).ok);
      }
      // The memory fallback starts its own window: 3 allowed, then refused (never fail open).
      expect(outcomes).toEqual([true, true, true, false, false]);
      expect(failOpenOutcomes).toEqual([true, true, true, true, true]);
      // No request waits for a dead Redis (no offline queue, 100 ms command timeout).
      expect(slowest).toBeLessThan(150);

      await redis.start();
      await eventually(() => protectedStore.isReady());
      const fresh = randomUUID();
      expect((await limiter.consume(fresh)).ok).toBe(true);
      expect(await reader.get(`ratelimit:${fresh}`)).toBe('1');
    } finally {
      setLogSink(silenced);
    }
  });
});
