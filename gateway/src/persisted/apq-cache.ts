import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';

/** Default APQ cache budget: 16 MiB of query text (an average operation is 1–2 KB). */
export const DEFAULT_APQ_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Where APQ registrations live: handed to Apollo Server (`persistedQueries.cache`, keys
 * `apq:<sha256>`) and read by the gateway before Apollo runs (`lookup`). In this process
 * ({@link ApqCache}) or shared by every gateway through Redis (`RedisApqCache`).
 */
export interface ApqStore extends KeyValueCache<string> {
  /** The query text registered under `sha256Hash`, if still cached. */
  lookup(sha256Hash: string): Promise<string | undefined>;
  /** Hashes held in this process (least recently used last). */
  hashes(): string[];
  /** Releases connections (a no-op in memory). */
  close(): Promise<void>;
}

/**
 * The in-memory APQ store handed to Apollo Server (`persistedQueries.cache`): an LRU bounded by the total
 * size of the stored query texts. Apollo prefixes its keys (`apq:<sha256>`); entries are kept
 * under the bare hash so the gateway can also look a hash up before Apollo runs (to rate-limit
 * a hash-only login mutation like the full text).
 */
export class ApqCache implements ApqStore {
  private readonly lru: InMemoryLRUCache<string>;

  constructor(readonly maxBytes: number = DEFAULT_APQ_CACHE_BYTES) {
    this.lru = new InMemoryLRUCache<string>({
      maxSize: maxBytes,
      sizeCalculation: (value) => Math.max(1, Buffer.byteLength(value, 'utf8')),
    });
  }

  /** The sha256 of an Apollo APQ key (`apq:<sha256>`; a bare hash is its own hash). */
  static hashOf(key: string): string {
    return key.slice(key.lastIndexOf(':') + 1);
  }

  get(key: string): Promise<string | undefined> {
    return this.lru.get(ApqCache.hashOf(key));
  }

  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    return this.lru.set(ApqCache.hashOf(key), value, options);
  }

  delete(key: string): Promise<boolean> {
    return this.lru.delete(ApqCache.hashOf(key));
  }

  /** The query text registered under `sha256Hash`, if still cached. */
  lookup(sha256Hash: string): Promise<string | undefined> {
    return this.lru.get(sha256Hash);
  }

  /** Hashes currently cached (least recently used last). */
  hashes(): string[] {
    return this.lru.keys();
  }

  async close(): Promise<void> {}
}
