import { closeRedis, createFailFastRedis, withTimeout } from '@shop/redis';
import type { CartCache } from './ports';
import type { CartSnapshot } from './repo';
import { log as sharedLog } from '@shop/log';

export const CART_CACHE_TTL_SECONDS = 600;
const OPERATION_TIMEOUT_MS = 100;

/**
 * Key of one version of a cart. A write bumps the version (in Postgres, which every replica
 * reads first), so a stale snapshot is never read, whichever replica wrote or cached it.
 */
export const cartCacheKey = (id: string, version: number, prefix = '') =>
  `${prefix}cart:${id}:v${version}`;

/** A cache that caches nothing (no `REDIS_URL`). */
export function createNoCache(): CartCache {
  return {
    get: async () => undefined,
    set: async () => undefined,
    stats: () => ({ hits: 0, misses: 0, errors: 0 }),
    close: async () => undefined,
  };
}

function revive(text: string): CartSnapshot {
  const raw = JSON.parse(text) as CartSnapshot;
  return {
    ...raw,
    createdAt: new Date(raw.createdAt),
    updatedAt: new Date(raw.updatedAt),
    claimedAt: raw.claimedAt === null ? null : new Date(raw.claimedAt),
    lines: raw.lines.map((line) => ({
      ...line,
      createdAt: new Date(line.createdAt),
      updatedAt: new Date(line.updatedAt),
    })),
  };
}

/**
 * Redis cache that degrades to "always miss" while Redis is down: no offline queue (commands
 * fail at once instead of waiting), a short connect timeout, reconnection kept going in the
 * background, every call capped at 100 ms and its errors swallowed (counted, logged sparingly).
 */
export function createRedisCache(
  url: string,
  log: (message: string) => void = (message) => sharedLog.warn(message),
  /** Prepended to every key (several deployments or test runs on one Redis). */
  prefix = '',
): CartCache {
  let hits = 0;
  let misses = 0;
  let errors = 0;
  const client = createFailFastRedis(url, {
    label: '[cart]',
    fallback: 'serving from Postgres',
    maxReconnectDelayMs: 3_000,
    log,
  });

  const swallow = (error: unknown) => {
    errors += 1;
    if (errors === 1 || errors % 100 === 0) {
      log(`[cart] redis call failed (${errors}x): ${(error as Error).message}`);
    }
  };

  return {
    async get(id, version) {
      if (!client.isReady) {
        misses += 1;
        return undefined;
      }
      try {
        const text = await withTimeout(
          client.get(cartCacheKey(id, version, prefix)),
          OPERATION_TIMEOUT_MS,
        );
        if (typeof text !== 'string') {
          misses += 1;
          return undefined;
        }
        hits += 1;
        return revive(text);
      } catch (error) {
        swallow(error);
        misses += 1;
        return undefined;
      }
    },
    async set(snapshot) {
      if (!client.isReady) return;
      try {
        await withTimeout(
          client.set(
            cartCacheKey(snapshot.id, snapshot.version, prefix),
            JSON.stringify(snapshot),
            {
              expiration: { type: 'EX', value: CART_CACHE_TTL_SECONDS },
            },
          ),
          OPERATION_TIMEOUT_MS,
        );
      } catch (error) {
        swallow(error);
      }
    },
    stats: () => ({ hits, misses, errors }),
    async close() {
      closeRedis(client);
    },
  };
}
