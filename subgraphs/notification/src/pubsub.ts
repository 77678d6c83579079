import { log } from '@shop/log';
/** Minimal logger; defaults to the shared redacting logger (`@shop/log`). */
export interface StreamLogger {
  warn(message: string): void;
}

/**
 * In-process publish/subscribe by topic key (`order:<id>`, `user:<id>`…). The consumers publish
 * only after their transaction committed; delivery is synchronous and best-effort (the database
 * is the durable record, see {@link createLiveStream}).
 */
export interface PubSub {
  publish(topic: string, payload: unknown): void;
  /** Adds a listener; returns the function that removes it. */
  listen(topic: string, listener: (payload: unknown) => void): () => void;
  /** Listeners of one topic, or of all topics. */
  listenerCount(topic?: string): number;
}

export function createPubSub(logger: StreamLogger = log): PubSub {
  const topics = new Map<string, Set<(payload: unknown) => void>>();
  return {
    publish(topic, payload) {
      for (const listener of [...(topics.get(topic) ?? [])]) {
        try {
          listener(payload);
        } catch (error) {
          logger.warn(`[notification] listener of ${topic} failed: ${String(error)}`);
        }
      }
    },
    listen(topic, listener) {
      let set = topics.get(topic);
      if (!set) topics.set(topic, (set = new Set()));
      set.add(listener);
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        set.delete(listener);
        if (set.size === 0 && topics.get(topic) === set) topics.delete(topic);
      };
    },
    listenerCount(topic) {
      if (topic !== undefined) return topics.get(topic)?.size ?? 0;
      let count = 0;
      for (const set of topics.values()) count += set.size;
      return count;
    },
  };
}

/** What {@link LiveStreamOptions.load} returns. */
export interface LoadedPage<T> {
  /** Stored items after the position asked for, in position order. */
  items: T[];
  /** False when more stored items follow (load is called again). */
  done: boolean;
  /** Moves the stream's position forward without emitting (e.g. "only items from now on"). */
  position?: number;
}

export interface LiveStreamOptions<T> {
  pubsub: PubSub;
  topic: string;
  /** Reads the durable store: items whose position is greater than `after`. */
  load(after: number): Promise<LoadedPage<T>>;
  /** The monotonic position of an item (aggregate version, feed sequence). */
  position(item: T): number;
  /** Items at or before this position are never emitted. */
  start: number;
  /** Live items buffered for a slow consumer before the oldest is dropped; default 1000. */
  maxBuffer?: number;
  /** For log lines. */
  label: string;
  logger?: StreamLogger;
}

/** An async iterator whose `return()` ends it at once, even while it waits for an item. */
export interface LiveStream<T> extends AsyncIterableIterator<T> {
  return(): Promise<IteratorResult<T>>;
}

/**
 * A subscription stream over the pub/sub that never emits an item twice or out of order: it
 * listens first, then loads what is stored (the snapshot, or the feed after a cursor), then
 * emits live items, dropping those at or before the last emitted position. Live items wait in a
 * bounded buffer; past `maxBuffer` the oldest are dropped (logged) and the stream reloads from
 * the store at the next pull, so a slow consumer catches up from the durable record instead of
 * silently missing items. `return()` removes the listener.
 */
export function createLiveStream<T>(options: LiveStreamOptions<T>): LiveStream<T> {
  const maxBuffer = options.maxBuffer ?? 1_000;
  const logger = options.logger ?? log;
  let last = options.start;
  let needsLoad = true;
  let closed = false;
  let dropped = 0;
  const ready: T[] = [];
  const live: T[] = [];
  let wake: (() => void) | undefined;

  const unlisten = options.pubsub.listen(options.topic, (payload) => {
    if (closed) return;
    live.push(payload as T);
    if (live.length > maxBuffer) {
      live.shift();
      dropped += 1;
      needsLoad = true;
      if (dropped === 1 || dropped % 1_000 === 0) {
        logger.warn(
          `[notification] ${options.label}: slow subscriber fell behind by more than ${maxBuffer} events; dropped ${dropped} (will reload from the store)`,
        );
      }
    }
    wake?.();
  });

  const finish = (): IteratorResult<T> => {
    closed = true;
    unlisten();
    ready.length = 0;
    live.length = 0;
    wake?.();
    return { value: undefined, done: true };
  };

  const stream: LiveStream<T> = {
    async next() {
      while (!closed) {
        const item = ready.shift();
        if (item !== undefined) {
          const position = options.position(item);
          if (position > last) {
            last = position;
            return { value: item, done: false };
          }
          continue;
        }
        if (needsLoad) {
          needsLoad = false;
          const page = await options.load(last);
          if (closed) break;
          if (page.position !== undefined) last = Math.max(last, page.position);
          ready.push(...page.items);
          if (!page.done) needsLoad = true;
          continue;
        }
        const next = live.shift();
        if (next !== undefined) {
          ready.push(next);
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      return { value: undefined, done: true };
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
