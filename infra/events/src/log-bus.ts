import { migrate, type Database } from '@shop/db';
import {
  backoffMs,
  EPHEMERAL_GROUP_MARK,
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
import { EVERY_TOPIC, LOG_CHANNEL, MAX_NOTIFY_PAYLOAD_BYTES, startLogWakeups } from './log-wakeups';
import { createWaker } from './waker';

/** Options of {@link createLogBus}. */
export interface LogBusOptions {
  database: Database;
  /**
   * Poll interval of idle subscriptions: the safety net under the wake-ups (see
   * {@link startLogWakeups}). Default 250 ms, or 25 ms on Postgres when no LISTEN connection
   * could be opened (other processes' appends are then seen by polling only).
   */
  pollIntervalMs?: number;
  /** How long a group member's claim on a (group, topic) lasts without renewal; default 10 s. */
  leaseMs?: number;
  /** Cap of the retry backoff of a failing handler; default 1,500 ms. */
  maxBackoffMs?: number;
  /**
   * An ephemeral group (`SubscribeOptions.ephemeral`) whose lease expired longer ago than this
   * is a member that died without stopping: its position and lease are deleted. Default 1 h.
   */
  ephemeralGraceMs?: number;
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
 * positions commit in order; each subscription reads `position > committed offset` per topic
 * when woken by an append (in this process, or through LISTEN/NOTIFY on Postgres) or at the
 * latest every `pollIntervalMs`, calls the handler one event at a time and commits the offset
 * after each success. Members of
 * one group in several processes coordinate through a lease per (group, topic): one member
 * consumes a topic at a time; the others take over when it stops or its lease expires.
 * Malformed rows and events that break their contract are logged, stored in
 * `events.dead_letters` with the reason, passed to `onDeadLetter` and skipped.
 */
export async function createLogBus(options: LogBusOptions): Promise<EventBus> {
  const { database } = options;
  const logger = options.logger ?? log;
  await migrate(database, { schema: 'events', migrations: LOG_BUS_MIGRATIONS });
  const wakeups = await startLogWakeups(database, logger);
  const everyPublisherWakes = database.kind === 'pglite' || wakeups.crossProcess;
  const pollIntervalMs = options.pollIntervalMs ?? (everyPublisherWakes ? 250 : 25);
  const leaseMs = options.leaseMs ?? 10_000;
  const maxBackoffMs = options.maxBackoffMs ?? 1_500;
  const ephemeralGraceSeconds = (options.ephemeralGraceMs ?? 60 * 60 * 1000) / 1000;
  const subscriptions = new Set<Subscription>();

  async function publish(envelopes: EventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    for (const envelope of envelopes) {
      const parsed = parseEnvelope(envelope);
      if (!parsed.ok) throw new Error(`refusing to publish an invalid envelope: ${parsed.reason}`);
    }
    const insert = `insert into events.log (id, topic, key, envelope)
         select (e->>'id')::uuid, e->>'topic', e->>'subject', e
         from jsonb_array_elements($1::jsonb) with ordinality as t(e, n)
         order by n
         on conflict (id) do nothing`;
    await database.rawTransaction(async (q) => {
      await q.query('select pg_advisory_xact_lock(hashtext($1))', [APPEND_LOCK]);
      if (database.kind === 'pglite') {
        await q.query(insert, [JSON.stringify(envelopes)]);
        return;
      }
      // The NOTIFY is delivered when (and only if) this transaction commits.
      await q.query(
        `with appended as (${insert} returning topic),
              topics as (select string_agg(distinct topic, ',') as list from appended)
         select pg_notify($2, case when octet_length(list) > $3 then $4 else list end)
         from topics where list is not null`,
        [JSON.stringify(envelopes), LOG_CHANNEL, MAX_NOTIFY_PAYLOAD_BYTES, EVERY_TOPIC],
      );
    });
    wakeups.appended(envelopes.map((envelope) => envelope.topic));
  }

  /** The position a group without one starts at: 0, or the log's end. */
  const START_POSITION = `case when $3 then 0 else coalesce((select max(position) from events.log), 0) end`;

  /** Deletes the position and lease of ephemeral groups whose member died without stopping. */
  async function sweepDeadEphemeralGroups(): Promise<void> {
    await database.rawTransaction(async (q) => {
      const dead = `select o.group_id from events.consumer_offsets o
        where o.group_id like '%' || $1 || '%'
          and not exists (select 1 from events.group_leases l
                          where l.group_id = o.group_id
                            and l.expires_at > now() - make_interval(secs => $2))`;
      await q.query(`delete from events.group_leases where group_id in (${dead})`, [
        EPHEMERAL_GROUP_MARK,
        ephemeralGraceSeconds,
      ]);
      await q.query(`delete from events.consumer_offsets where group_id in (${dead})`, [
        EPHEMERAL_GROUP_MARK,
        ephemeralGraceSeconds,
      ]);
    });
  }

  async function subscribe(sub: SubscribeOptions): Promise<Subscription> {
    const ephemeral = sub.ephemeral ?? false;
    const owner = uuidv7();
    const group = ephemeral ? `${sub.group}${EPHEMERAL_GROUP_MARK}${owner}` : sub.group;
    const { topics } = sub;
    const handler = traceHandler('shop_log_bus', group, sub.handler);
    const maxAttempts = sub.maxAttempts ?? Number.POSITIVE_INFINITY;
    const leaseValidUntil = new Map<string, number>();
    const waker = createWaker();
    let stopped = false;
    if (ephemeral) await sweepDeadEphemeralGroups();
    for (const topic of topics) {
      // An ephemeral group takes its lease with its position (one transaction), so a sweep in
      // another process never sees the position of a live member without its lease.
      await database.rawTransaction(async (q) => {
        await q.query(
          `insert into events.consumer_offsets (group_id, topic, position)
           select $1, $2, ${START_POSITION}
           on conflict do nothing`,
          [group, topic, ephemeral ? false : (sub.fromBeginning ?? false)],
        );
        if (ephemeral) {
          await q.query(
            `insert into events.group_leases (group_id, topic, owner, expires_at)
             values ($1, $2, $3, now() + make_interval(secs => $4))`,
            [group, topic, owner, leaseMs / 1000],
          );
        }
      });
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
      if (ephemeral) {
        // Swept while this process could not renew its lease for longer than the grace: start
        // again from the log's end (what was missed meanwhile is not replayed).
        await database.query(
          `insert into events.consumer_offsets (group_id, topic, position)
           select $1, $2, ${START_POSITION}
           on conflict do nothing`,
          [group, topic, false],
        );
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
          if (read === 0) await waker.idle(pollIntervalMs);
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
      if (ephemeral) {
        // Nobody else will ever read this group: forget its positions too.
        await database
          .query('delete from events.consumer_offsets where group_id = $1', [group])
          .catch(() => undefined);
      }
    })();

    const unregister = wakeups.register(topics, waker);
    const subscription: Subscription = {
      async stop() {
        stopped = true;
        unregister();
        waker.wake();
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
      await wakeups.close();
    },
  };
}
