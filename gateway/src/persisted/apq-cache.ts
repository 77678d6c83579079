import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';

/** Default APQ cache budget: 16 MiB of query text (an average operation is 1–2 KB). */
export const DEFAULT_APQ_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * The APQ store handed to Apollo Server (`persistedQueries.cache`): an LRU bounded by the total
 * size of the stored query texts. Apollo prefixes its keys (`apq:<sha256>`); entries are kept
 * under the bare hash so the gateway can also look a hash up before Apollo runs (to rate-limit
 * a hash-only login mutation like the full text).
 */
export class ApqCache implements KeyValueCache<string> {
  private readonly lru: InMemoryLRUCache<string>;

  constructor(readonly maxBytes: number = DEFAULT_APQ_CACHE_BYTES) {
    this.lru = new InMemoryLRUCache<string>({
      maxSize: maxBytes,
      sizeCalculation: (value) => Math.max(1, Buffer.byteLength(value, 'utf8')),
    });
  }

  private static hashOf(key: string): string {
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
}
