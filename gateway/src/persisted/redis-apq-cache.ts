import { closeRedis, createFailFastRedis, withTimeout, type RedisClient } from '@shop/redis';
import { log as sharedLog } from '@shop/log';
import { ApqCache, DEFAULT_APQ_CACHE_BYTES, type ApqStore } from './apq-cache';

/** Default lifetime of an APQ registration in Redis: a day, renewed by hits. */
export const DEFAULT_APQ_REDIS_TTL_SECONDS = 24 * 60 * 60;
/** Default: a gateway renews a hash's Redis lifetime at most once a minute (not per request). */
export const DEFAULT_APQ_RENEW_EVERY_SECONDS = 60;
/** Hashes whose last renewal a gateway remembers (the oldest are forgotten first). */
const RENEWALS_REMEMBERED = 10_000;

export interface RedisApqCacheOptions {
  /** Key prefix in Redis. Default `apq:`. */
  prefix?: string;
  /**
   * Seconds a registration lives in Redis after it was last registered or hit (a sliding
   * window, so the hashes clients use stay and the others go). Default one day.
   */
  ttlSeconds?: number;
  /**
   * A hit answered from this gateway's memory copy renews the entry in Redis (EXPIRE, not
   * waited for) at most once per this many seconds per hash. Default 60.
   */
  renewEverySeconds?: number;
  /** Budget of this gateway's in-memory copy (least recently used go first). Default 16 MiB. */
  localMaxBytes?: number;
  /** Each Redis call fails after this long (a miss, or a registration kept in memory only). */
  commandTimeoutMs?: number;
  log?: (message: string) => void;
}

/**
 * APQ registrations shared by every gateway instance through Redis: a hash registered on one
 * gateway is a hit on all of them. Each entry (`<prefix><sha256>` → query text) expires
 * `ttlSeconds` after it was last registered or hit, so Redis holds the hashes clients use; a
 * text is immutable for its hash, so each gateway also keeps a bounded in-memory copy (one
 * round trip per hash and gateway, not per request). Redis is never waited for: while it is down
 * or slow a lookup falls back to the memory copy (a miss makes the client send the text again,
 * as APQ intends) and a registration is kept in memory only.
 */
export class RedisApqCache implements ApqStore {
  private readonly local: ApqCache;
  private readonly client: RedisClient;
  private readonly prefix: string;
  private readonly ttlSeconds: number;
  private readonly timeoutMs: number;
  private readonly renewEveryMs: number;
  /** Hash -> when this gateway last set its Redis lifetime (insertion order = oldest first). */
  private readonly renewedAt = new Map<string, number>();
  private readonly log: (message: string) => void;
  private failures = 0;

  constructor(url: string, options: RedisApqCacheOptions = {}) {
    this.prefix = options.prefix ?? 'apq:';
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_APQ_REDIS_TTL_SECONDS;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds <= 0) {
      throw new Error('APQ in Redis: ttlSeconds must be a positive integer');
    }
    this.timeoutMs = options.commandTimeoutMs ?? 100;
    this.renewEveryMs = (options.renewEverySeconds ?? DEFAULT_APQ_RENEW_EVERY_SECONDS) * 1_000;
    this.local = new ApqCache(options.localMaxBytes ?? DEFAULT_APQ_CACHE_BYTES);
    this.log = options.log ?? ((message: string) => sharedLog.warn(message));
    this.client = createFailFastRedis(url, {
      label: '[apq]',
      fallback: 'registrations stay in this gateway',
      maxReconnectDelayMs: 2_000,
      log: this.log,
    });
  }

  /** True while the Redis client is connected. */
  isReady(): boolean {
    return this.client.isReady;
  }

  private failed(error: unknown): void {
    this.failures += 1;
    if (this.failures === 1 || this.failures % 100 === 0) {
      this.log(`[apq] redis call failed (${this.failures}x): ${(error as Error).message}`);
    }
  }

  async get(key: string): Promise<string | undefined> {
    return this.lookup(ApqCache.hashOf(key));
  }

  async set(key: string, value: string): Promise<void> {
    // Apollo's `ttl` option is ignored here: the Redis TTL bounds every entry.
    const hash = ApqCache.hashOf(key);
    await this.local.set(hash, value);
    if (!this.client.isReady) return;
    this.renewed(hash);
    try {
      await withTimeout(
        this.client.set(this.prefix + hash, value, {
          expiration: { type: 'EX', value: this.ttlSeconds },
        }),
        this.timeoutMs,
      );
    } catch (error) {
      this.failed(error);
    }
  }

  async delete(key: string): Promise<boolean> {
    const hash = ApqCache.hashOf(key);
    const deleted = await this.local.delete(hash);
    if (!this.client.isReady) return deleted;
    try {
      return (
        (await withTimeout(this.client.del(this.prefix + hash), this.timeoutMs)) > 0 || deleted
      );
    } catch (error) {
      this.failed(error);
      return deleted;
    }
  }

  async lookup(sha256Hash: string): Promise<string | undefined> {
    const known = await this.local.lookup(sha256Hash);
    if (!this.client.isReady) return known;
    if (known !== undefined) {
      this.renewIfDue(sha256Hash);
      return known;
    }
    this.renewed(sha256Hash);
    try {
      // GETEX renews the entry's lifetime: hashes in use stay, unused ones expire.
      const text = await withTimeout(
        this.client.getEx(this.prefix + sha256Hash, { type: 'EX', value: this.ttlSeconds }),
        this.timeoutMs,
      );
      if (typeof text !== 'string') return undefined;
      await this.local.set(sha256Hash, text);
      return text;
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  /** Notes that `hash`'s Redis lifetime was just set by this gateway. */
  private renewed(hash: string): void {
    this.renewedAt.delete(hash);
    this.renewedAt.set(hash, Date.now());
    if (this.renewedAt.size > RENEWALS_REMEMBERED) {
      const oldest = this.renewedAt.keys().next().value;
      if (oldest !== undefined) this.renewedAt.delete(oldest);
    }
  }

  /** A hit from memory: renews the Redis lifetime when this gateway has not for a while. */
  private renewIfDue(hash: string): void {
    const last = this.renewedAt.get(hash);
    if (last !== undefined && Date.now() - last < this.renewEveryMs) return;
    this.renewed(hash);
    withTimeout(this.client.expire(this.prefix + hash, this.ttlSeconds), this.timeoutMs).catch(
      (error: unknown) => this.failed(error),
    );
  }

  /** Hashes in this gateway's memory copy (least recently used last). */
  hashes(): string[] {
    return this.local.hashes();
  }

  async close(): Promise<void> {
    closeRedis(this.client);
  }
}
