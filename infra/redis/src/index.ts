import { createClient } from 'redis';
import { log as sharedLog } from '@shop/log';

export type RedisClient = ReturnType<typeof createClient>;

export interface FailFastRedisOptions {
  /** Log prefix, e.g. `[cart]`. */
  label: string;
  /** What the caller does while Redis is down, for the log, e.g. `serving from Postgres`. */
  fallback: string;
  /** Upper bound of the reconnection back-off. */
  maxReconnectDelayMs: number;
  log?: (message: string) => void;
}

/**
 * A Redis client that never makes a request wait for Redis: no offline queue (a command while
 * disconnected fails at once), a 500 ms connect timeout, reconnection with back-off kept going
 * in the background (so it recovers by itself when Redis comes back), and connection errors
 * logged sparingly (the first, then every 100th). Callers check `client.isReady` and bound each
 * call with {@link withTimeout}.
 */
export function createFailFastRedis(url: string, options: FailFastRedisOptions): RedisClient {
  const log = options.log ?? ((message: string) => sharedLog.warn(message));
  let connectionErrors = 0;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 500,
      reconnectStrategy: (retries) =>
        Math.min(100 * 2 ** Math.min(retries, 5), options.maxReconnectDelayMs),
    },
  });
  client.on('error', (error: Error) => {
    connectionErrors += 1;
    if (connectionErrors === 1 || connectionErrors % 100 === 0) {
      log(
        `${options.label} redis unavailable (${connectionErrors}x), ${options.fallback}: ${error.message}`,
      );
    }
  });
  client.on('ready', () => {
    if (connectionErrors > 0) log(`${options.label} redis connected again`);
    connectionErrors = 0;
  });
  // Connects (and keeps retrying) in the background; requests never wait for it.
  client.connect().catch(() => undefined);
  return client;
}

/** Rejects when `promise` has not settled within `ms` (a slow Redis must not stall requests). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis call timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Closes the client; closing twice is fine. */
export function closeRedis(client: RedisClient): void {
  try {
    client.destroy();
  } catch {
    // already closed
  }
}
