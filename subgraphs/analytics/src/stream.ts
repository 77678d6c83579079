/** An async iterator whose `return()` ends it at once, even while it waits for the next tick. */
export interface IntervalStream<T> extends AsyncIterableIterator<T> {
  return(): Promise<IteratorResult<T>>;
}

/**
 * Emits `produce()` immediately, then every `intervalMs` (measured from the previous emission's
 * start, never overlapping). `return()` cancels the pending timer, so a closed subscription
 * stops reading the database at once.
 */
export function createIntervalStream<T>(
  intervalMs: number,
  produce: () => Promise<T>,
): IntervalStream<T> {
  let closed = false;
  let first = true;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let nextAt = 0;

  const finish = (): IteratorResult<T> => {
    closed = true;
    if (timer) clearTimeout(timer);
    wake?.();
    return { value: undefined, done: true };
  };

  const stream: IntervalStream<T> = {
    async next() {
      if (closed) return { value: undefined, done: true };
      if (!first) {
        const wait = Math.max(0, nextAt - Date.now());
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, wait);
        });
        wake = undefined;
        timer = undefined;
        if (closed) return { value: undefined, done: true };
      }
      first = false;
      nextAt = Date.now() + intervalMs;
      const value = await produce();
      if (closed) return { value: undefined, done: true };
      return { value, done: false };
    },
    async return() {
      return finish();
    },
    async throw(error?: unknown) {
      finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
