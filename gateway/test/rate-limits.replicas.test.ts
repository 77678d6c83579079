import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startGatewayReplicas, type GatewayReplicas } from './replicas-support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMIT = 6;

/** Rate limits counted once for all gateways sharing a Redis, not once per gateway. */
describe('rate limits across gateway replicas', () => {
  let replicas: GatewayReplicas;
  let redis: ReturnType<typeof createClient>;
  const prefix = `test-${randomUUID()}:`;

  beforeAll(async () => {
    replicas = await startGatewayReplicas();
    redis = createClient({ url: REDIS_URL });
    redis.on('error', () => {});
    await redis.connect();
  });
  afterAll(async () => {
    await replicas?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(keys);
    redis?.destroy();
  });

  it('should refuse the request past the limit whichever gateway the requests were split over', async () => {
    const options = {
      redisUrl: REDIS_URL,
      redisKeyPrefix: prefix,
      limits: {
        requests: {
          perIp: { points: LIMIT, durationMs: 60_000 },
          perUser: false as const,
          newOperationsPerIp: false as const,
        },
      },
    };
    const [a, b] = [await replicas.start(options), await replicas.start(options)];
    // The counters' Redis clients connect in the background: until then each gateway counts
    // in memory. Wait until both have counted in Redis (a key under the prefix per hit).
    const key = `${prefix}ratelimit:ip:`;
    const counters = async () => redis.keys(`${key}*`);
    const deadline = Date.now() + 8_000;
    for (;;) {
      const stale = await counters();
      if (stale.length > 0) await redis.del(stale);
      await post(a.url, { query: '{ hello }' });
      await post(b.url, { query: '{ hello }' });
      const [counter] = await counters();
      if (counter && Number(await redis.get(counter)) === 2) break;
      if (Date.now() > deadline) throw new Error('the gateways never counted in Redis');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await redis.del(await counters());

    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i += 1) {
      statuses.push((await post(i % 2 === 0 ? a.url : b.url, { query: '{ hello }' })).status);
    }
    expect(statuses).toEqual(Array.from({ length: LIMIT }, () => 200));
    const refusedA = await post(a.url, { query: '{ hello }' });
    const refusedB = await post(b.url, { query: '{ hello }' });
    expect([refusedA.status, refusedB.status]).toEqual([429, 429]);
    expect(refusedB.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const [counter] = await counters();
    expect(Number(await redis.get(counter!))).toBe(LIMIT + 2);
  });
});
