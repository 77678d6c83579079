/**
 * Collects the keys asked for during one turn of the event loop and loads them with one call
 * (an `_entities` request with 50 representations costs one query, not 50). Create one per
 * request. Without `cache`, nothing is kept beyond the batch, so a mutation never reads a stale
 * row later in the same request; with it, repeats of a key within the request are served again.
 *
 * @example
 * const loadUser = createBatchLoader(async (ids) => new Map((await repo.byIds(ids)).map((u) => [u.id, u])));
 * const user = await loadUser(id); // undefined when missing
 */
export function createBatchLoader<TValue>(
  load: (keys: string[]) => Promise<Map<string, TValue>>,
  options: { cache?: boolean } = {},
): (key: string) => Promise<TValue | undefined> {
  const cache = options.cache ? new Map<string, Promise<TValue | undefined>>() : undefined;
  let pending: Map<string, Array<(value: Promise<TValue | undefined>) => void>> | undefined;
  const enqueue = (key: string) =>
    new Promise<TValue | undefined>((resolve) => {
      if (!pending) {
        const batch = new Map<string, Array<(value: Promise<TValue | undefined>) => void>>();
        pending = batch;
        setImmediate(() => {
          pending = undefined;
          const loaded = load([...batch.keys()]);
          for (const [batchKey, waiters] of batch) {
            const value = loaded.then((values) => values.get(batchKey));
            for (const waiter of waiters) waiter(value);
          }
        });
      }
      const waiters = pending.get(key) ?? [];
      waiters.push(resolve);
      pending.set(key, waiters);
    });
  return (key) => {
    if (!cache) return enqueue(key);
    let value = cache.get(key);
    if (!value) {
      value = enqueue(key);
      cache.set(key, value);
    }
    return value;
  };
}
