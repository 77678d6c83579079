import { Lru } from '@shop/primitives';
import { log } from '@shop/log';

/**
 * Whether the account behind a verified access token may still act. Access tokens are
 * self-contained (15 min), so a disabled or deleted account's token would verify until it
 * expires; the gateway therefore asks the user subgraph — the one source of truth, shared by
 * every gateway replica — and reuses each answer for at most `maxAgeMs`. That is the bound: a
 * disabled or deleted account's tokens are refused at most `maxAgeMs` (default 30 s) after the
 * change, plus one status call.
 *
 * Cost per request in steady state: one LRU lookup. Ids missing from the cache in the same turn
 * of the event loop are asked in one call (≤ 100 ids each), and concurrent requests for one id
 * share that call. When the user subgraph cannot answer, the last known status is kept (an
 * unknown account counts as active) and asked again after `retryAfterMs`: availability wins,
 * and the token's own 15-minute lifetime still bounds the exposure.
 */
export interface AccountStatusOptions {
  /** Longest an answer is reused; default 30 s. */
  maxAgeMs?: number;
  /** After a failed call, how long the fallback answer is used; default 5 s. */
  retryAfterMs?: number;
  /** Accounts remembered at most (LRU); default 50,000. */
  maxEntries?: number;
  /** Clock (tests); default `Date.now`. */
  now?: () => number;
}

/** Asks the source of truth: for each id, true when the account exists and is not disabled. */
export type FetchAccountStatuses = (userIds: string[]) => Promise<ReadonlyMap<string, boolean>>;

/** Most ids per call (the user subgraph's `accountStatuses` limit). */
export const ACCOUNT_STATUS_BATCH = 100;

interface Entry {
  active: boolean;
  freshUntil: number;
}

export class AccountStatusCache {
  private readonly entries: Lru<Entry>;
  private readonly maxAgeMs: number;
  private readonly retryAfterMs: number;
  private readonly now: () => number;
  /** Ids waiting for the next call, with the promise their callers share. */
  private pending = new Map<
    string,
    { promise: Promise<boolean>; resolve: (active: boolean) => void }
  >();
  /** Ids of calls under way (so a second request for one does not start another call). */
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private scheduled = false;
  private failures = 0;
  /** Status calls made so far (metrics, tests). */
  calls = 0;

  constructor(
    private readonly fetchStatuses: FetchAccountStatuses,
    options: AccountStatusOptions = {},
  ) {
    this.entries = new Lru(Math.max(1, options.maxEntries ?? 50_000));
    this.maxAgeMs = options.maxAgeMs ?? 30_000;
    this.retryAfterMs = options.retryAfterMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** True when `userId`'s account may act (from the cache while fresh). */
  isActive(userId: string): Promise<boolean> | boolean {
    const entry = this.entries.get(userId);
    if (entry && this.now() < entry.freshUntil) return entry.active;
    const shared = this.inFlight.get(userId) ?? this.pending.get(userId)?.promise;
    if (shared) return shared;
    let resolve!: (active: boolean) => void;
    const promise = new Promise<boolean>((done) => (resolve = done));
    this.pending.set(userId, { promise, resolve });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    return promise;
  }

  /**
   * Records that `userId` was just seen active by the source of truth itself (it signed in or
   * registered a moment ago), so its first request needs no status call. Served for `maxAgeMs`
   * like any answer, so the bound holds.
   */
  markActive(userId: string): void {
    this.entries.set(userId, { active: true, freshUntil: this.now() + this.maxAgeMs });
  }

  /** Forgets every answer (tests). */
  clear(): void {
    this.entries.clear();
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()];
    for (const [id, waiter] of batch) this.inFlight.set(id, waiter.promise);
    for (let start = 0; start < ids.length; start += ACCOUNT_STATUS_BATCH) {
      const chunk = ids.slice(start, start + ACCOUNT_STATUS_BATCH);
      let statuses: ReadonlyMap<string, boolean> | undefined;
      try {
        this.calls += 1;
        statuses = await this.fetchStatuses(chunk);
      } catch (error) {
        // Sparse: the first failure and every 100th after it.
        if (this.failures++ % 100 === 0) {
          log.error('[auth] cannot read account statuses; keeping the last known', error);
        }
      }
      const at = this.now();
      for (const id of chunk) {
        const known = statuses?.get(id);
        const active = known ?? this.entries.get(id)?.active ?? true;
        const lifetime = known === undefined ? this.retryAfterMs : this.maxAgeMs;
        this.entries.set(id, { active, freshUntil: at + lifetime });
        this.inFlight.delete(id);
        batch.get(id)!.resolve(active);
      }
    }
  }
}
