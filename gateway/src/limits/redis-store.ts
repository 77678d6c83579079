import { closeRedis, createFailFastRedis, withTimeout } from '@shop/redis';
import { createRedisStore, type RateLimitStore } from './rate-limiter';
import { log as sharedLog } from '@shop/log';

export interface RedisRateLimitStoreOptions {
  /** Each Redis call fails after this long (the limiter then uses its memory fallback). */
  commandTimeoutMs?: number;
  /** Key prefix in Redis. Default `ratelimit:`. */
  prefix?: string;
  log?: (message: string) => void;
}

export interface RedisRateLimitStore extends RateLimitStore {
  /** True while the client is connected (and not reconnecting). */
  isReady(): boolean;
  close(): Promise<void>;
}

/**
 * Rate-limit counters in Redis, shared by every gateway instance. Built to never stall or fail
 * a request: no offline queue (a command while disconnected fails at once), a short connect
 * timeout, every call capped at `commandTimeoutMs` (100 ms), and reconnection kept going in the
 * background so the store recovers by itself when Redis comes back. While it is unavailable
 * `hit` throws and `createRateLimiter` counts in its in-memory fallback instead — the limits
 * still hold per gateway instance (never fail open, in particular for login attempts).
 */
export function createRedisRateLimitStore(
  url: string,
  options: RedisRateLimitStoreOptions = {},
): RedisRateLimitStore {
  const timeoutMs = options.commandTimeoutMs ?? 100;
  const log = options.log ?? ((message: string) => sharedLog.warn(message));
  const client = createFailFastRedis(url, {
    label: '[limits]',
    fallback: 'counting in memory',
    maxReconnectDelayMs: 2_000,
    log,
  });

  const store = createRedisStore(async (script, keys, args) => {
    if (!client.isReady) throw new Error('redis is not connected');
    return withTimeout(client.eval(script, { keys, arguments: args }), timeoutMs);
  }, options.prefix);

  return {
    hit: (key, points, windowMs) => store.hit(key, points, windowMs),
    reset: (key) => store.reset(key),
    isReady: () => client.isReady,
    async close() {
      closeRedis(client);
    },
  };
}
