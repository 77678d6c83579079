import type { Database, DatabaseListener } from '@shop/db';
import { errorMessage, type EventLogger } from './bus';
import type { Waker } from './waker';

/**
 * The Postgres channel on which the log bus announces appends: the payload is the appended
 * topics, comma-separated (or {@link EVERY_TOPIC} when that would be too long for a NOTIFY).
 */
export const LOG_CHANNEL = 'shop_events_log';
/** The payload that wakes every subscription. */
export const EVERY_TOPIC = '*';
/** NOTIFY payloads must stay under 8000 bytes. */
export const MAX_NOTIFY_PAYLOAD_BYTES = 4_000;

/** Every bus's waiting subscriptions in this process, by database and topic. */
const wakersByDatabase = new WeakMap<Database, Map<string, Set<Waker>>>();

/**
 * Wake-ups of one log bus's subscriptions. A publish in this process wakes the subscriptions of
 * the topics it appended, of every bus on the same database, once it has committed; on Postgres the publish also sends `pg_notify`
 * in its transaction, heard by one listening connection per bus, so a publish in ANY process
 * wakes them. Polling stays as the safety net (a lost listening connection wakes everything
 * when it is back).
 */
export interface LogWakeups {
  /** Wakes `waker` whenever one of `topics` is appended to; returns the function that stops it. */
  register(topics: readonly string[], waker: Waker): () => void;
  /** After a commit in this process appended to `topics`. */
  appended(topics: readonly string[]): void;
  /** True when appends in other processes wake this bus (a Postgres listening connection). */
  readonly crossProcess: boolean;
  close(): Promise<void>;
}

export async function startLogWakeups(
  database: Database,
  logger: EventLogger,
): Promise<LogWakeups> {
  let byTopic = wakersByDatabase.get(database);
  if (!byTopic) wakersByDatabase.set(database, (byTopic = new Map()));
  const wakers = byTopic;
  const wakeTopic = (topic: string) => wakers.get(topic)?.forEach((waker) => waker.wake());
  const wakeAll = () => wakers.forEach((set) => set.forEach((waker) => waker.wake()));

  let listener: DatabaseListener | undefined;
  if (database.listen) {
    try {
      listener = await database.listen(LOG_CHANNEL, {
        onNotify(payload) {
          if (payload === EVERY_TOPIC) wakeAll();
          else payload.split(',').forEach(wakeTopic);
        },
        onReconnect: wakeAll,
      });
    } catch (error) {
      logger.warn(
        `[events] log bus: no LISTEN connection (${errorMessage(error)}); other processes' appends are seen by polling only`,
      );
    }
  }

  return {
    register(topics, waker) {
      for (const topic of topics) {
        let set = wakers.get(topic);
        if (!set) wakers.set(topic, (set = new Set()));
        set.add(waker);
      }
      return () => {
        for (const topic of topics) {
          const set = wakers.get(topic);
          set?.delete(waker);
          if (set?.size === 0) wakers.delete(topic);
        }
      };
    },
    appended(topics) {
      new Set(topics).forEach(wakeTopic);
    },
    crossProcess: listener !== undefined,
    async close() {
      await listener?.close();
    },
  };
}
