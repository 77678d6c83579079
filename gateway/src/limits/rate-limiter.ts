import { log } from '@shop/log';
/** One fixed-window counter update: the count after adding, and when the window ends. */
export interface WindowHit {
  count: number;
  resetInMs: number;
}

/**
 * Where counters live. `hit` adds `points` to `key`'s counter for the current window (starting
 * a window of `windowMs` if there is none) and returns the new count atomically.
 */
export interface RateLimitStore {
  hit(key: string, points: number, windowMs: number): Promise<WindowHit>;
  /** Forgets `key`'s counter. */
  reset(key: string): Promise<void>;
}

export interface MemoryStoreOptions {
  /** Clock (tests). Default `Date.now`. */
  now?: () => number;
  /** Keys kept at most; expired ones are swept first, then the oldest dropped. Default 100,000. */
  maxKeys?: number;
}

/** Fixed-window counters in this process (one gateway instance, or Redis' fallback). */
export function createMemoryStore(options: MemoryStoreOptions = {}): RateLimitStore & {
  size(): number;
} {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, { count: number; resetAt: number }>();
  const sweep = (at: number) => {
    for (const [key, window] of windows) if (window.resetAt <= at) windows.delete(key);
    // Still full: drop the oldest insertions (Map keeps insertion order).
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  };
  return {
    async hit(key, points, windowMs) {
      const at = now();
      let window = windows.get(key);
      if (!window || window.resetAt <= at) {
        if (window) windows.delete(key);
        else if (windows.size >= maxKeys) sweep(at);
        window = { count: 0, resetAt: at + windowMs };
        windows.set(key, window);
      }
      window.count += points;
      return { count: window.count, resetInMs: window.resetAt - at };
    },
    async reset(key) {
      windows.delete(key);
    },
    size: () => windows.size,
  };
}

/**
 * Runs one Lua script on Redis: adapt your client, e.g. node-redis
 * `(script, keys, args) => client.eval(script, { keys, arguments: args })` or ioredis
 * `(script, keys, args) => redis.eval(script, keys.length, ...keys, ...args)`.
 * Use a client that fails fast (ioredis: `enableOfflineQueue: false, maxRetriesPerRequest: 1,
 * commandTimeout: 100`): a slow Redis would otherwise stall every request.
 */
export type RedisEval = (script: string, keys: string[], args: string[]) => Promise<unknown>;

const RESET_SCRIPT = `return redis.call('DEL', KEYS[1])`;

const HIT_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {count, ttl}
`;

/** Fixed-window counters shared by every gateway instance (one atomic script per hit). */
export function createRedisStore(run: RedisEval, prefix = 'ratelimit:'): RateLimitStore {
  return {
    async hit(key, points, windowMs) {
      const reply = await run(HIT_SCRIPT, [prefix + key], [String(points), String(windowMs)]);
      if (!Array.isArray(reply) || reply.length < 2) throw new Error('unexpected Redis reply');
      return { count: Number(reply[0]), resetInMs: Math.max(0, Number(reply[1])) };
    },
    async reset(key) {
      await run(RESET_SCRIPT, [prefix + key], []);
    },
  };
}

export interface RateLimiterOptions {
  /** Points allowed per window. */
  points: number;
  durationMs: number;
  /** Default: a new memory store. */
  store?: RateLimitStore;
  /** Used when `store` throws (e.g. Redis down); default a memory store. `null` → fail open. */
  fallback?: RateLimitStore | null;
  /** Prepended to keys, so limiters can share a store. */
  keyPrefix?: string;
}

export type RateLimitResult =
  { ok: true; remaining: number } | { ok: false; remaining: 0; retryAfterSeconds: number };

export interface RateLimiter {
  readonly points: number;
  readonly durationMs: number;
  /** Counts `points` (default 1) against `key`; not ok once the window's total passes the limit. */
  consume(key: string, points?: number): Promise<RateLimitResult>;
  /** Starts `key`'s count again from zero (in the store and in the fallback). */
  reset(key: string): Promise<void>;
}

/** A fixed-window rate limiter over a store. Rejected attempts count too. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const store = options.store ?? createMemoryStore();
  const fallback = options.fallback === undefined ? createMemoryStore() : options.fallback;
  const prefix = options.keyPrefix ?? '';
  let warned = false;
  return {
    points: options.points,
    durationMs: options.durationMs,
    async reset(key) {
      await fallback?.reset(prefix + key);
      try {
        await store.reset(prefix + key);
      } catch {
        // The store is down: its counter expires with its window.
      }
    },
    async consume(key, points = 1) {
      let hit: WindowHit;
      try {
        hit = await store.hit(prefix + key, points, options.durationMs);
      } catch (error) {
        if (!warned) {
          warned = true;
          log.error('[limits] rate-limit store failed; using the fallback', error);
        }
        if (!fallback) return { ok: true, remaining: options.points };
        hit = await fallback.hit(prefix + key, points, options.durationMs);
      }
      if (hit.count <= options.points) {
        return { ok: true, remaining: options.points - hit.count };
      }
      return {
        ok: false,
        remaining: 0,
        retryAfterSeconds: Math.max(1, Math.ceil(hit.resetInMs / 1000)),
      };
    },
  };
}
