import { createClient } from 'redis';
import { createRedisStore, type RateLimitStore } from './rate-limiter';

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
  const log = options.log ?? ((message: string) => console.warn(message));
  let connectionErrors = 0;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 500,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** Math.min(retries, 5), 2_000),
    },
  });
  client.on('error', (error: Error) => {
    connectionErrors += 1;
    if (connectionErrors === 1 || connectionErrors % 100 === 0) {
      log(
        `[limits] redis unavailable (${connectionErrors}x), counting in memory: ${error.message}`,
      );
    }
  });
  client.on('ready', () => {
    if (connectionErrors > 0) log('[limits] redis connected again');
    connectionErrors = 0;
  });
  // Connects (and keeps retrying) in the background; requests never wait for it.
  client.connect().catch(() => undefined);

  const store = createRedisStore(async (script, keys, args) => {
    if (!client.isReady) throw new Error('redis is not connected');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`redis call timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([client.eval(script, { keys, arguments: args }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }, options.prefix);

  return {
    hit: (key, points, windowMs) => store.hit(key, points, windowMs),
    reset: (key) => store.reset(key),
    isReady: () => client.isReady,
    async close() {
      try {
        client.destroy();
      } catch {
        // already closed
      }
    },
  };
}
