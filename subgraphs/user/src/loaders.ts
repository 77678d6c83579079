import type { AccountService, User } from './service';

type Waiter = { resolve: (user: User | null) => void; reject: (error: unknown) => void };

/**
 * A per-request loader for users by id: ids asked for in the same tick are fetched in one query
 * (an `_entities` call with many representations costs one round trip), and repeats are cached.
 */
export function createUserLoader(service: AccountService): (id: string) => Promise<User | null> {
  const cache = new Map<string, Promise<User | null>>();
  let batch: Map<string, Waiter> | undefined;

  const flush = async (pending: Map<string, Waiter>) => {
    try {
      const found = new Map((await service.usersByIds([...pending.keys()])).map((u) => [u.id, u]));
      for (const [id, waiter] of pending) waiter.resolve(found.get(id) ?? null);
    } catch (error) {
      for (const waiter of pending.values()) waiter.reject(error);
    }
  };

  return (id) => {
    const cached = cache.get(id);
    if (cached) return cached;
    if (!batch) {
      const pending = new Map<string, Waiter>();
      batch = pending;
      queueMicrotask(() => {
        batch = undefined;
        void flush(pending);
      });
    }
    const current = batch;
    const promise = new Promise<User | null>((resolve, reject) => {
      current.set(id, { resolve, reject });
    });
    cache.set(id, promise);
    return promise;
  };
}
