import type { Database, RawQuerier } from '@shop/db';
import { backoffMs, errorMessage, type EventBus, type EventLogger } from './bus';
import type { EventEnvelope } from './envelope';
import { assertSchemaName } from './outbox';
import { onOutboxAppended } from './outbox-signal';
import { createWaker } from './waker';
import { log } from '@shop/log';

/** Options of {@link startRelay}. */
export interface RelayOptions {
  database: Database;
  /** Schema holding the outbox (see `eventsMigrationSql`). */
  schema: string;
  bus: EventBus;
  /** Rows published per bus call; default 100. */
  batchSize?: number;
  /**
   * Sleep between polls of an empty outbox. Default 25 ms on Postgres; 250 ms on PGlite, where
   * every append wakes the relay at once (`outbox-signal.ts`) and polling is only a safety net.
   */
  pollIntervalMs?: number;
  /** Cap of the retry backoff while publishing fails; default 1,500 ms. */
  maxBackoffMs?: number;
  logger?: EventLogger;
}

/** A running relay. */
export interface Relay {
  /** Stops polling; resolves after the current pass. Rows not yet published stay in the outbox. */
  stop(): Promise<void>;
  /**
   * Publishes pending rows now until a pass finds fewer than `batchSize`; returns how many this
   * call published. Throws if publishing fails (the loop itself never throws).
   */
  flush(): Promise<number>;
  /** Wakes the loop now instead of at the next poll (e.g. right after a commit). */
  wake(): void;
}

interface OutboxRow {
  position: string;
  envelope: EventEnvelope;
}

// Passes of all relays of one database+schema in this process run one at a time.
const localLocks = new WeakMap<Database, Map<string, Promise<unknown>>>();

function withLocalLock<T>(database: Database, schema: string, fn: () => Promise<T>): Promise<T> {
  let locks = localLocks.get(database);
  if (!locks) localLocks.set(database, (locks = new Map()));
  const previous = locks.get(schema) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  locks.set(
    schema,
    run.catch(() => undefined),
  );
  return run;
}

/**
 * Starts the transactional-outbox relay of one schema: takes unpublished rows in `position`
 * order, publishes them with `bus.publish`, then sets `published_at`. A crash between the two
 * re-publishes (duplicates), never loses. Publish failures keep the rows and retry with backoff.
 *
 * On Postgres each pass runs in a transaction holding `pg_try_advisory_xact_lock` for the schema
 * and `for update skip locked` on the rows, so any number of relay processes may run: one
 * publishes at a time (keeping per-key order), the others stand by and take over at once when it
 * dies. On PGlite (one process) passes are serialised in memory and the rows are not locked
 * while publishing, so the single connection stays free for business writes.
 */
export function startRelay(options: RelayOptions): Relay {
  const { database, schema, bus } = options;
  assertSchemaName(schema);
  const batchSize = options.batchSize ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 1_500;
  const logger = options.logger ?? log;
  const waker = createWaker();
  const wake = () => waker.wake();
  // PGlite: one process owns the database, so an in-process signal reaches every writer.
  const stopLocal = database.kind === 'pglite' ? onOutboxAppended(schema, wake) : () => {};
  const pollIntervalMs = options.pollIntervalMs ?? (database.kind === 'pglite' ? 250 : 25);
  const table = `"${schema}".outbox`;
  const selectSql = `select position::text as position, envelope from ${table}
    where published_at is null order by position limit $1`;
  const markSql = `update ${table} set published_at = now() where position = any($1::bigint[])`;

  const publishRows = async (q: RawQuerier, rows: OutboxRow[]): Promise<number> => {
    if (rows.length === 0) return 0;
    await bus.publish(rows.map((row) => row.envelope));
    await q.query(markSql, [rows.map((row) => row.position)]);
    return rows.length;
  };

  const pass = (): Promise<number> =>
    withLocalLock(database, schema, async () => {
      if (database.kind === 'pglite') {
        return publishRows(database, await database.query<OutboxRow>(selectSql, [batchSize]));
      }
      return database.rawTransaction(async (q) => {
        const [lock] = await q.query<{ locked: boolean }>(
          'select pg_try_advisory_xact_lock(hashtext($1)) as locked',
          [`shop-outbox-relay:${schema}`],
        );
        if (!lock?.locked) return 0;
        return publishRows(
          q,
          await q.query<OutboxRow>(`${selectSql} for update skip locked`, [batchSize]),
        );
      });
    });

  let stopped = false;
  const idle = (ms: number) => waker.idle(ms);

  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      let published = 0;
      try {
        published = await pass();
        if (failures > 0) logger.warn(`[events] relay ${schema}: publishing again`);
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 20 === 0) {
          logger.warn(
            `[events] relay ${schema}: publish failed (${failures}x), retrying: ${errorMessage(error)}`,
          );
        }
        await idle(backoffMs(failures, maxBackoffMs));
        continue;
      }
      if (published < batchSize && !stopped) await idle(pollIntervalMs);
    }
  })();

  return {
    async stop() {
      stopped = true;
      stopLocal();
      wake();
      await loop;
    },
    async flush() {
      let total = 0;
      for (;;) {
        const published = await pass();
        total += published;
        if (published < batchSize) return total;
      }
    },
    wake,
  };
}
