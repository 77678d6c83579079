import { createHash, randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis } from '@shop/testing';
import { DEFAULT_APQ_REDIS_TTL_SECONDS, RedisApqCache } from '../src/persisted';
import { get, post, startGatewayReplicas, type GatewayReplicas } from './replicas-support';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persistedQuery = (query: string) => ({
  persistedQuery: { version: 1, sha256Hash: sha256(query) },
});
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Registered on one gateway, APQ hashes must be hits on every gateway sharing the Redis. */
describe('APQ registrations across gateway replicas', () => {
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

  /** Waits until the gateway's Redis clients are connected (they connect in the background). */
  const ready = async (url: string) => {
    const probe = `query Probe${randomUUID().replaceAll('-', '')} { hello }`;
    await post(url, { query: probe, extensions: persistedQuery(probe) });
    const deadline = Date.now() + 8_000;
    while ((await redis.exists(`${prefix}apq:${sha256(probe)}`)) === 0) {
      if (Date.now() > deadline) throw new Error('the gateway never wrote to Redis');
      await post(url, { query: probe, extensions: persistedQuery(probe) });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('should serve on gateway B (POST and GET) a hash registered through gateway A, with a TTL', async () => {
    const options = { redisUrl: REDIS_URL, redisKeyPrefix: prefix };
    const [a, b] = [await replicas.start(options), await replicas.start(options)];
    await Promise.all([ready(a.url), ready(b.url)]);
    const query = `query Shared${randomUUID().replaceAll('-', '')}($name: String) { hello(name: $name) }`;

    // Unknown to both at first.
    const miss = await post(b.url, { variables: { name: 'x' }, extensions: persistedQuery(query) });
    expect(miss.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const registered = await post(a.url, {
      query,
      variables: { name: 'a' },
      extensions: persistedQuery(query),
    });
    expect(registered.body.data).toEqual({ hello: 'a' });
    // Apollo stores the registration after the response is sent: wait for it in Redis.
    const key = `${prefix}apq:${sha256(query)}`;
    const deadline = Date.now() + 5_000;
    while ((await redis.get(key)) !== query) {
      if (Date.now() > deadline) throw new Error('the registration never reached Redis');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(DEFAULT_APQ_REDIS_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(DEFAULT_APQ_REDIS_TTL_SECONDS);

    const before = await replicas.subgraphRequests();
    const hitPost = await post(b.url, {
      variables: { name: 'b' },
      extensions: persistedQuery(query),
    });
    expect(hitPost.status).toBe(200);
    expect(hitPost.body.errors).toBeUndefined();
    expect(hitPost.body.data).toEqual({ hello: 'b' });
    const hitGet = await get(b.url, {
      variables: { name: 'g' },
      extensions: persistedQuery(query),
    });
    expect(hitGet.status).toBe(200);
    expect(hitGet.body.errors).toBeUndefined();
    expect(hitGet.body.data).toEqual({ hello: 'g' });
    expect(await replicas.subgraphRequests()).toBe(before + 2);
  });

  it('should keep registrations per gateway without a Redis URL', async () => {
    const [a, b] = [await replicas.start(), await replicas.start()];
    const query = `query Local${randomUUID().replaceAll('-', '')} { hello }`;
    const registered = await post(a.url, { query, extensions: persistedQuery(query) });
    expect(registered.body.data).toEqual({ hello: 'world' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const hitA = await post(a.url, { extensions: persistedQuery(query) });
    expect(hitA.body.data).toEqual({ hello: 'world' });
    const missB = await post(b.url, { extensions: persistedQuery(query) });
    expect(missB.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

/** Redis is never waited for: while it is down each gateway keeps serving what it knows. */
describe('APQ in Redis while Redis is down', () => {
  it('should answer from memory or miss at once while Redis is killed, and share again once it is back', async () => {
    const redis = await startPrivateRedis();
    const quiet = { log: () => {} };
    const a = new RedisApqCache(redis.url, quiet);
    const b = new RedisApqCache(redis.url, quiet);
    try {
      const wait = async (check: () => Promise<boolean>) => {
        const deadline = Date.now() + 8_000;
        while (!(await check())) {
          if (Date.now() > deadline) throw new Error('not within 8 s');
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      };
      await wait(async () => a.isReady() && b.isReady());
      await a.set(`apq:${sha256('{ one }')}`, '{ one }');
      expect(await b.lookup(sha256('{ one }'))).toBe('{ one }');

      await redis.kill();
      const started = performance.now();
      // A registration while Redis is down stays in this gateway; nothing waits for Redis.
      await a.set(`apq:${sha256('{ two }')}`, '{ two }');
      expect(await a.get(`apq:${sha256('{ two }')}`)).toBe('{ two }');
      expect(await b.lookup(sha256('{ two }'))).toBeUndefined();
      // What a gateway already read is still served from its memory.
      expect(await b.lookup(sha256('{ one }'))).toBe('{ one }');
      expect(performance.now() - started).toBeLessThan(1_000);

      await redis.start(); // empty: nothing is persisted
      await wait(async () => a.isReady() && b.isReady());
      await a.set(`apq:${sha256('{ three }')}`, '{ three }');
      expect(await b.lookup(sha256('{ three }'))).toBe('{ three }');
    } finally {
      await a.close();
      await b.close();
      await redis.stop();
    }
  });
});

/** The Redis lifetime slides with use even when every hit is answered from a gateway's memory. */
describe('APQ lifetime in Redis', () => {
  it('should renew the TTL on hits served from memory, at most once per renewal interval', async () => {
    const prefix = `test-${randomUUID()}:`;
    const redis = createClient({ url: REDIS_URL });
    redis.on('error', () => {});
    await redis.connect();
    const options = { prefix, ttlSeconds: 600, log: () => {} };
    const eager = new RedisApqCache(REDIS_URL, { ...options, renewEverySeconds: 0 });
    const lazy = new RedisApqCache(REDIS_URL, { ...options, renewEverySeconds: 60 });
    try {
      const deadline = Date.now() + 8_000;
      while (!(eager.isReady() && lazy.isReady())) {
        if (Date.now() > deadline) throw new Error('redis clients not ready within 8 s');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const ttlOf = (hash: string) => redis.ttl(`${prefix}${hash}`);
      const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
      for (const [cache, text] of [
        [eager, '{ eager }'],
        [lazy, '{ lazy }'],
      ] as const) {
        const hash = sha256(text);
        await cache.set(`apq:${hash}`, text);
        expect(await cache.lookup(hash)).toBe(text); // from memory from now on
        await redis.expire(`${prefix}${hash}`, 5);
        expect(await cache.lookup(hash)).toBe(text);
        await settle();
        if (cache === eager) expect(await ttlOf(hash)).toBeGreaterThan(500);
        else expect(await ttlOf(hash)).toBeLessThanOrEqual(5);
      }
    } finally {
      await eager.close();
      await lazy.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(keys);
      redis.destroy();
    }
  });
});
