import { Buffer } from 'node:buffer';
import type { Database } from '@shop/db';
import type { DbTransaction } from '@shop/events';
import { log } from '@shop/log';
import { createNotificationQueries } from './repo';

/** Minimal logger; defaults to the shared redacting logger (`@shop/log`). */
export interface StreamLogger {
  warn(message: string): void;
}

/**
 * How a replica's live streams learn that a topic (`order:<id>`, `user:<id>`…) has something new
 * in the store (`NOTIFICATION_LIVE_WAKEUPS`):
 * - `postgres`: `pg_notify` in the consumer's transaction, heard by one listening connection per
 *   replica (docs/SUBSCRIPTIONS.md "Live delivery across replicas"). Needs Postgres.
 * - `process`: a wake-up in this process after the commit. Correct only when ONE process serves
 *   every subscription (the embedded PGlite default); with several replicas, subscribers of the
 *   replicas that did not consume an event never hear it.
 */
export type LiveWakeupMode = 'postgres' | 'process';

/** The Postgres channel of the live wake-ups; each payload is one topic (or {@link EVERY_TOPIC}). */
export const LIVE_CHANNEL = 'notification_live';
/** The payload that wakes every stream (a topic too long for a NOTIFY payload). */
const EVERY_TOPIC = '*';
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_TOPIC_BYTES = 4_000;

/**
 * Wake-ups, not payloads: a stream is told "topic X may have something new" and reads the store
 * itself (see {@link createLiveStream}). Durable work is done once, by the replica that consumed
 * the event; every replica's streams are woken.
 */
export interface Wakeups {
  readonly mode: LiveWakeupMode;
  /** Calls `wake` whenever `topic` may have something new; returns the function that stops it. */
  listen(topic: string, wake: () => void): () => void;
  /** Listeners of one topic, or of all topics. */
  listenerCount(topic?: string): number;
  /**
   * Inside the consumer's transaction `tx`: arranges for the streams of `topics` to wake once
   * `tx` has committed (never for a rolled-back one). Returns what to run after the commit.
   */
  announce(tx: DbTransaction, topics: readonly string[]): Promise<() => void>;
  /** Stops listening (closes the listening connection). */
  close(): Promise<void>;
}

/** This process's wake-up listeners by topic. */
export interface TopicListeners {
  /** Adds `listener` for `topic`; returns the function that removes it. */
  listen(topic: string, listener: () => void): () => void;
  listenerCount(topic?: string): number;
  wake(topic: string): void;
  wakeAll(): void;
}

export function createTopicListeners(): TopicListeners {
  const topics = new Map<string, Set<() => void>>();
  return {
    listen(topic, listener) {
      let set = topics.get(topic);
      if (!set) topics.set(topic, (set = new Set()));
      // A fresh function per listen: the same callback may listen twice.
      const entry = () => listener();
      set.add(entry);
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        set.delete(entry);
        if (set.size === 0 && topics.get(topic) === set) topics.delete(topic);
      };
    },
    listenerCount(topic) {
      if (topic !== undefined) return topics.get(topic)?.size ?? 0;
      let count = 0;
      for (const set of topics.values()) count += set.size;
      return count;
    },
    wake(topic) {
      for (const listener of [...(topics.get(topic) ?? [])]) listener();
    },
    wakeAll() {
      for (const set of [...topics.values()]) for (const listener of [...set]) listener();
    },
  };
}

/**
 * Starts the wake-ups of one replica. `postgres` opens its one listening connection
 * (`Database.listen`): when it drops it reconnects with backoff and then wakes EVERY local
 * stream, which reloads from the store, so nothing committed while it was away is missed.
 */
export async function startWakeups(
  database: Database,
  mode: LiveWakeupMode,
  logger: StreamLogger = log,
): Promise<Wakeups> {
  const { listen, listenerCount, wake, wakeAll } = createTopicListeners();

  if (mode === 'process') {
    return {
      mode,
      listen,
      listenerCount,
      async announce(_tx, changed) {
        const distinct = [...new Set(changed)];
        return () => distinct.forEach(wake);
      },
      async close() {},
    };
  }

  if (!database.listen) {
    throw new Error(
      'NOTIFICATION_LIVE_WAKEUPS=postgres needs Postgres (DATABASE_URL); the embedded database uses process',
    );
  }
  const listener = await database.listen(LIVE_CHANNEL, {
    onNotify: (topic) => (topic === EVERY_TOPIC ? wakeAll() : wake(topic)),
    onReconnect: () => {
      logger.warn('[notification] live wake-up connection restored: every live stream reloads');
      wakeAll();
    },
  });
  return {
    mode,
    listen,
    listenerCount,
    async announce(tx, changed) {
      const queries = createNotificationQueries(tx);
      for (const topic of new Set(changed)) {
        const payload = Buffer.byteLength(topic) <= MAX_TOPIC_BYTES ? topic : EVERY_TOPIC;
        await queries.notifyChannel(LIVE_CHANNEL, payload);
      }
      return () => undefined;
    },
    close: () => listener.close(),
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
  wakeups: Pick<Wakeups, 'listen'>;
  topic: string;
  /** Reads the durable store: items whose position is greater than `after`. */
  load(after: number): Promise<LoadedPage<T>>;
  /** The monotonic position of an item (aggregate version, feed sequence). */
  position(item: T): number;
  /** Items at or before this position are never emitted. */
  start: number;
  /**
   * When set (epoch ms), the stream loads once more at that time even without a wake-up, so a
   * `load` that waits for something can end the wait (e.g. by throwing) when its time is up.
   */
  loadAgainAt?: number;
}

/** An async iterator whose `return()` ends it at once, even while it waits for an item. */
export interface LiveStream<T> extends AsyncIterableIterator<T> {
  return(): Promise<IteratorResult<T>>;
  throw(error?: unknown): Promise<IteratorResult<T>>;
}

/**
 * A subscription stream that never emits an item twice or out of order: it listens for
 * wake-ups first, then loads what is stored after its position, and loads again after every
 * wake-up (a wake-up during a load makes another load follow). Items come only from the store,
 * so a slow subscriber never loses anything: it reads the store when it pulls. Positions it
 * emits strictly increase. `return()` ends it at once and stops listening.
 */
export function createLiveStream<T>(options: LiveStreamOptions<T>): LiveStream<T> {
  let last = options.start;
  let stale = true;
  let closed = false;
  const ready: T[] = [];
  let resume: (() => void) | undefined;

  const wake = () => {
    if (closed) return;
    stale = true;
    resume?.();
  };
  const unlisten = options.wakeups.listen(options.topic, wake);
  const timer =
    options.loadAgainAt === undefined
      ? undefined
      : setTimeout(wake, Math.max(0, options.loadAgainAt - Date.now()));
  timer?.unref();

  const finish = (): IteratorResult<T> => {
    closed = true;
    clearTimeout(timer);
    unlisten();
    ready.length = 0;
    resume?.();
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
        if (stale) {
          stale = false;
          let page: LoadedPage<T>;
          try {
            page = await options.load(last);
          } catch (error) {
            finish();
            throw error;
          }
          if (closed) break;
          if (page.position !== undefined) last = Math.max(last, page.position);
          ready.push(...page.items);
          if (!page.done) stale = true;
          continue;
        }
        await new Promise<void>((resolve) => (resume = resolve));
        resume = undefined;
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
