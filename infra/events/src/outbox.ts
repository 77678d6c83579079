import { sql, type SQL } from 'drizzle-orm';
import type { Migration } from '@shop/db';
import { createEvent } from './contracts';
import type { EventEnvelope, NewEvent } from './envelope';
import { outboxAppended } from './outbox-signal';
import { currentTraceparent } from './tracing';

/**
 * Anything that runs a drizzle `sql` statement: the `Db` of `@shop/db` or a drizzle
 * transaction (`database.db.transaction(async (tx) => …)`). Both drivers return `{ rows }`.
 */
export interface SqlExecutor {
  execute(query: SQL): PromiseLike<unknown>;
}

/** Throws unless `schema` is a plain lower-case Postgres identifier (it is interpolated). */
export function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
}

/** The rows of a drizzle `execute` result (node-postgres and PGlite both return `{ rows }`). */
export function rowsOf<TRow>(result: unknown): TRow[] {
  return (result as { rows?: TRow[] }).rows ?? [];
}

/**
 * SQL creating `"<schema>".outbox` and `"<schema>".processed_events` (idempotent). A producing or
 * consuming subgraph appends it to its own migrations, under a name of its choosing:
 *
 * @example
 * await migrate(database, {
 *   schema: 'order',
 *   migrations: [...readMigrations(dir), { name: '0900_events.sql', sql: eventsMigrationSql('order') }],
 * });
 */
export function eventsMigrationSql(schema: string): string {
  assertSchemaName(schema);
  const s = `"${schema}"`;
  return `
create schema if not exists ${s};
create table if not exists ${s}.outbox (
  position bigserial primary key,
  id uuid not null unique,
  topic text not null,
  key text not null,
  type text not null,
  envelope jsonb not null,
  created_at timestamptz not null default now(),
  published_at timestamptz
);
create index if not exists outbox_unpublished_idx on ${s}.outbox (position) where published_at is null;
create table if not exists ${s}.processed_events (
  consumer text not null,
  event_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
`;
}

/** {@link eventsMigrationSql} as a `Migration` named `9000_shop_events.sql`. */
export function eventsMigration(schema: string): Migration {
  return { name: '9000_shop_events.sql', sql: eventsMigrationSql(schema) };
}

/**
 * Writes events to `"<schema>".outbox` through `tx`, checked against their contracts
 * (`@shop/schema/events`: a payload that does not match fails typecheck, and throws here, so the
 * transaction rolls back), filling `id` (UUIDv7), `time` and `version`, and `traceparent` from the active span when tracing is on (so the event's publish
 * and consumers join the request's trace). Call it inside the transaction of the business write
 * so both commit or neither:
 *
 * @example
 * await database.db.transaction(async (tx) => {
 *   await tx.insert(orders).values(order);
 *   await appendToOutbox(tx, 'order', [{ type: 'order.paid', source: 'order',
 *     topic: TOPICS.order, subject: order.id, sequence: order.version,
 *     data: { orderId: order.id, userId: order.userId } }]);
 * });
 */
export async function appendToOutbox(
  tx: SqlExecutor,
  schema: string,
  events: NewEvent[],
): Promise<EventEnvelope[]> {
  assertSchemaName(schema);
  if (events.length === 0) return [];
  const traceparent = currentTraceparent();
  const envelopes: EventEnvelope[] = events.map((event) =>
    createEvent(traceparent && !event.traceparent ? { ...event, traceparent } : event),
  );
  const values = envelopes.map(
    (e) => sql`(${e.id}::uuid, ${e.topic}, ${e.subject}, ${e.type}, ${JSON.stringify(e)}::jsonb)`,
  );
  await tx.execute(
    sql`insert into ${sql.identifier(schema)}.outbox (id, topic, key, type, envelope) values ${sql.join(values, sql`, `)}`,
  );
  outboxAppended(schema);
  return envelopes;
}
