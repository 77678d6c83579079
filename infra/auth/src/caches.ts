import type { JWTPayload } from 'jose';
import { Lru } from '@shop/primitives';
import type { Identity } from './index';

/**
 * Caches for the two hot paths of internal tokens (one per gateway → subgraph fetch): minting
 * on the gateway and verifying in every subgraph. Both are bounded LRUs (`Lru` of
 * @shop/primitives) and both expire entries by the token's lifetime, so neither extends what a
 * token may do: a cached verification is only served while the token is unexpired, a cached
 * token only while at least half of its lifetime remains.
 */

export interface InternalTokenCacheOptions {
  /** Mints one token (normally `mintInternalToken` bound to the gateway's key). */
  mint: (subgraph: string, identity: Identity | null) => Promise<string>;
  /** Lifetime of a minted token; default 60 s (`mintInternalToken`'s). */
  lifetimeMs?: number;
  /**
   * A token is reused while it has more than this share of its lifetime left; default 0.5, so
   * a subgraph never receives a token with less than ~30 s to live.
   */
  minRemainingShare?: number;
  /** Entries kept at most (LRU); default 10,000. */
  maxEntries?: number;
  /** Clock (tests); default `Date.now`. */
  now?: () => number;
}

export interface InternalTokenCache {
  /** A token for `subgraph` carrying `identity`: cached while fresh, minted otherwise. */
  get(subgraph: string, identity: Identity | null): Promise<string>;
  readonly size: number;
  clear(): void;
}

interface MintedToken {
  token: Promise<string>;
  /** Reused until then (minted at + lifetime × (1 − minRemainingShare)). */
  freshUntil: number;
}

/**
 * The cache key of (subgraph, identity): the exact user id and the sorted set of roles, so two
 * identities share a token only when the token would carry the same claims.
 */
function internalTokenKey(subgraph: string, identity: Identity | null): string {
  if (!identity) return `${subgraph}\u0000anonymous`;
  const roles = [...new Set(identity.roles)].sort().join(',');
  return `${subgraph}\u0000user\u0000${identity.userId}\u0000${roles}`;
}

/**
 * Reuses internal tokens per (subgraph, user id, roles) until about half of their lifetime is
 * left (then mints a new one), instead of one ES256/EdDSA signature per subgraph fetch.
 * Concurrent requests for the same key share one mint; a failed mint is not cached.
 */
export function createInternalTokenCache(options: InternalTokenCacheOptions): InternalTokenCache {
  const lifetimeMs = options.lifetimeMs ?? 60_000;
  const reuseMs = lifetimeMs * (1 - (options.minRemainingShare ?? 0.5));
  const now = options.now ?? Date.now;
  const cache = new Lru<MintedToken>(Math.max(1, options.maxEntries ?? 10_000));
  return {
    get(subgraph, identity) {
      const key = internalTokenKey(subgraph, identity);
      const at = now();
      const cached = cache.get(key);
      if (cached && at < cached.freshUntil) return cached.token;
      // `freshUntil` counts from before the signature, so it never outlives the real token.
      const entry: MintedToken = {
        token: options.mint(subgraph, identity),
        freshUntil: at + reuseMs,
      };
      cache.set(key, entry);
      entry.token.catch(() => {
        if (cache.get(key) === entry) cache.delete(key);
      });
      return entry.token;
    },
    get size() {
      return cache.size;
    },
    clear: () => cache.clear(),
  };
}

/** What a verifier returns (`createVerifier`'s result type, repeated to avoid a cycle). */
type VerifyOutcome =
  { ok: true; payload: JWTPayload } | { ok: false; code: string; reason: string };

export interface VerificationCacheOptions {
  /** Entries kept at most (LRU); default 10,000. */
  maxEntries?: number;
  /** Clock (tests); default `Date.now`. */
  now?: () => number;
  /**
   * Longest a result is served from the cache, whatever the token's `exp` (default: until
   * `exp`). Bounds how long a token stays accepted after its key leaves the JWKS.
   */
  maxAgeMs?: number;
}

/**
 * Wraps a verifier so a token verified once is not verified again until it expires: successful
 * results are cached by the exact token string and served only while `now < exp` (the clock
 * tolerance the full check allows after `exp` is not extended: past `exp` the token is verified
 * again). Failures are never cached; tokens without a numeric `exp` are never cached.
 */
export function withVerificationCache<R extends VerifyOutcome>(
  verify: (token: string) => Promise<R>,
  options: VerificationCacheOptions = {},
): ((token: string) => Promise<R>) & { readonly size: number; clear(): void } {
  const now = options.now ?? Date.now;
  const cache = new Lru<{ result: R; expiresAt: number }>(
    Math.max(1, options.maxEntries ?? 10_000),
  );
  const cached = async (token: string): Promise<R> => {
    const hit = cache.get(token);
    if (hit) {
      if (now() < hit.expiresAt) return hit.result;
      cache.delete(token);
    }
    const result = await verify(token);
    if (result.ok && typeof result.payload.exp === 'number') {
      const at = now();
      const expiresAt = Math.min(
        result.payload.exp * 1000,
        options.maxAgeMs === undefined ? Infinity : at + options.maxAgeMs,
      );
      if (at < expiresAt) cache.set(token, { result, expiresAt });
    }
    return result;
  };
  Object.defineProperty(cached, 'size', { get: () => cache.size });
  return Object.assign(cached as typeof cached & { readonly size: number }, {
    clear: () => cache.clear(),
  });
}
