import { migrate, type Database } from '@shop/db';
import {
  backoffMs,
  errorMessage,
  reportDeadLetter,
  sleep,
  type DeadLetter,
  type EventBus,
  type EventLogger,
  type SubscribeOptions,
  type Subscription,
} from './bus';
import { readEvent } from './contracts';
import { parseEnvelope, uuidv7, type EventEnvelope } from './envelope';
import { publishTraced, traceHandler } from './tracing';
import { log } from '@shop/log';

/** Options of {@link createLogBus}. */
export interface LogBusOptions {
  database: Database;
  /** Poll interval of idle subscriptions; default 25 ms. */
  pollIntervalMs?: number;
  /** How long a group member's claim on a (group, topic) lasts without renewal; default 10 s. */
  leaseMs?: number;
  /** Cap of the retry backoff of a failing handler; default 1,500 ms. */
  maxBackoffMs?: number;
  logger?: EventLogger;
}

/** Migrations of the `events` schema that backs the log bus. */
const LOG_BUS_MIGRATIONS = [
  {
    name: '0001_log.sql',
    sql: `
create table events.log (
  position bigserial primary key,
  id uuid not null unique,
  topic text not null,
  key text not null,
  envelope jsonb not null,
  appended_at timestamptz not null default now()
);
create index log_topic_position_idx on events.log (topic, position);
create table events.consumer_offsets (
  group_id text not null,
  topic text not null,
  position bigint not null,
  primary key (group_id, topic)
);
create table events.group_leases (
  group_id text not null,
  topic text not null,
  owner text not null,
  expires_at timestamptz not null,
  primary key (group_id, topic)
);
create table events.dead_letters (
  id bigserial primary key,
  group_id text not null,
  topic text not null,
  position bigint not null,
  key text,
  raw text not null,
  reason text not null,
  created_at timestamptz not null default now()
);
`,
  },
];

const APPEND_LOCK = 'shop-events-log-append';

interface LogRow {
  position: string;
  key: string | null;
  envelope: unknown;
}

/**
 * The default bus: an append-only log table in Postgres or PGlite (schema `events`, created
 * here through `migrate`). `publish` inserts under a transaction-scoped advisory lock so
 * positions commit in order; each subscription polls `position > committed offset` per topic,
 * calls the handler one event at a time and commits the offset after each success. Members of
 * one group in several processes coordinate through a lease per (group, topic): one member
 * consumes a topic at a time; the others take over when it stops or its lease expires.
 * Malformed rows and events that break their contract are logged, stored in
 * `events.dead_letters` with the reason, passed to `onDeadLetter` and skipped.
 */
export async function createLogBus(options: LogBusOptions): Promise<EventBus> {
  const { database } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 25;
  const leaseMs = options.leaseMs ?? 10_000;
  const maxBackoffMs = options.maxBackoffMs ?? 1_500;
  const logger = options.logger ?? log;
  await migrate(database, { schema: 'events', migrations: LOG_BUS_MIGRATIONS });
  const subscriptions = new Set<Subscription>();

  async function publish(envelopes: EventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    for (const envelope of envelopes) {
      const parsed = parseEnvelope(envelope);
      if (!parsed.ok) throw new Error(`refusing to publish an invalid envelope: ${parsed.reason}`);
    }
    await database.rawTransaction(async (q) => {
      await q.query('select pg_advisory_xact_lock(hashtext($1))', [APPEND_LOCK]);
      await q.query(
        `insert into events.log (id, topic, key, envelope)
         select (e->>'id')::uuid, e->>'topic', e->>'subject', e
         from jsonb_array_elements($1::jsonb) with ordinality as t(e, n)
         order by n
         on conflict (id) do nothing`,
        [JSON.stringify(envelopes)],
      );
    });
  }

  async function subscribe(sub: SubscribeOptions): Promise<Subscription> {
    const { group, topics } = sub;
    const handler = traceHandler('shop_log_bus', group, sub.handler);
    const maxAttempts = sub.maxAttempts ?? Number.POSITIVE_INFINITY;
    const owner = uuidv7();
    const leaseValidUntil = new Map<string, number>();
    let stopped = false;
    for (const topic of topics) {
      await database.query(
        `insert into events.consumer_offsets (group_id, topic, position)
         select $1, $2, case when $3 then 0 else coalesce((select max(position) from events.log), 0) end
         on conflict do nothing`,
        [group, topic, sub.fromBeginning ?? false],
      );
    }

    /** Claims or renews this member's lease on (group, topic); true while it holds it. */
    async function holdLease(topic: string): Promise<boolean> {
      if ((leaseValidUntil.get(topic) ?? 0) > Date.now()) return true;
      const started = Date.now();
      const rows = await database.query(
        `insert into events.group_leases (group_id, topic, owner, expires_at)
         values ($1, $2, $3, now() + make_interval(secs => $4))
         on conflict (group_id, topic) do update
           set owner = excluded.owner, expires_at = excluded.expires_at
           where events.group_leases.owner = excluded.owner or events.group_leases.expires_at < now()
         returning owner`,
        [group, topic, owner, leaseMs / 1000],
      );
      if (rows.length === 0) {
        leaseValidUntil.delete(topic);
        return false;
      }
      leaseValidUntil.set(topic, started + leaseMs / 3);
      return true;
    }

    /** Moves the offset past `position` if this member still holds the lease. */
    async function commit(topic: string, position: string): Promise<boolean> {
      const rows = await database.query(
        `update events.consumer_offsets set position = $3
         where group_id = $1 and topic = $2 and position < $3
           and exists (select 1 from events.group_leases l
                       where l.group_id = $1 and l.topic = $2 and l.owner = $4)
         returning position`,
        [group, topic, position, owner],
      );
      if (rows.length === 0) leaseValidUntil.delete(topic);
      return rows.length > 0;
    }

    async function deadLetter(topic: string, row: LogRow, reason: string): Promise<void> {
      const raw = JSON.stringify(row.envelope);
      const letter: DeadLetter = {
        group,
        topic,
        key: row.key,
        position: row.position,
        raw,
        reason,
      };
      try {
        await database.query(
          `insert into events.dead_letters (group_id, topic, position, key, raw, reason)
           values ($1, $2, $3, $4, $5, $6)`,
          [group, topic, row.position, row.key, raw, reason],
        );
      } catch (error) {
        logger.error(`[events] could not record dead letter: ${errorMessage(error)}`);
      }
      await reportDeadLetter(letter, sub, logger);
    }

    /** Delivers one row; false when the loop must re-read (lease lost or stopping). */
    async function deliver(topic: string, row: LogRow): Promise<boolean> {
      const parsed = readEvent(row.envelope);
      if (!parsed.ok) {
        await deadLetter(topic, row, parsed.reason);
        return commit(topic, row.position);
      }
      for (let attempt = 1; ; attempt += 1) {
        try {
          await handler(parsed.envelope);
          return commit(topic, row.position);
        } catch (error) {
          if (attempt >= maxAttempts) {
            await deadLetter(topic, row, `handler failed ${attempt}x: ${errorMessage(error)}`);
            return commit(topic, row.position);
          }
          if (attempt === 1 || attempt % 20 === 0) {
            logger.warn(
              `[events] group=${group} topic=${topic} position=${row.position} handler failed (${attempt}x), retrying: ${errorMessage(error)}`,
            );
          }
          await sleep(backoffMs(attempt, maxBackoffMs));
          if (stopped || !(await holdLease(topic))) return false;
        }
      }
    }

    /** One pass over the topics; returns how many rows were read. */
    async function pass(): Promise<number> {
      let read = 0;
      for (const topic of topics) {
        if (stopped || !(await holdLease(topic))) continue;
        const rows = await database.query<LogRow>(
          `select l.position::text as position, l.key, l.envelope from events.log l
           where l.topic = $2 and l.position > (select position from events.consumer_offsets
                                                 where group_id = $1 and topic = $2)
           order by l.position limit 100`,
          [group, topic],
        );
        read += rows.length;
        for (const row of rows) {
          if (stopped || !(await holdLease(topic)) || !(await deliver(topic, row))) break;
        }
      }
      return read;
    }

    const loop = (async () => {
      let failures = 0;
      while (!stopped) {
        try {
          const read = await pass();
          failures = 0;
          if (read === 0) await sleep(pollIntervalMs);
        } catch (error) {
          failures += 1;
          if (failures === 1 || failures % 20 === 0) {
            logger.warn(
              `[events] group=${group} poll failed (${failures}x): ${errorMessage(error)}`,
            );
          }
          await sleep(backoffMs(failures, maxBackoffMs));
        }
      }
      await database
        .query('delete from events.group_leases where group_id = $1 and owner = $2', [group, owner])
        .catch(() => undefined);
    })();

    const subscription: Subscription = {
      async stop() {
        stopped = true;
        subscriptions.delete(subscription);
        await loop;
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  return {
    // One PRODUCER span per traced envelope; the stored envelope carries its context.
    publish: (envelopes) => publishTraced('shop_log_bus', envelopes, publish),
    subscribe,
    async close() {
      await Promise.all([...subscriptions].map((s) => s.stop()));
    },
  };
}
