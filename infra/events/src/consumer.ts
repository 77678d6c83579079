import { sql } from 'drizzle-orm';
import type { Database, Db } from '@shop/db';
import { toDomainEvent } from './contracts';
import type { DomainEvent } from './envelope';
import type { EventHandler } from './bus';
import { assertSchemaName, rowsOf } from './outbox';

/** The transaction handle drizzle passes to `database.db.transaction(async (tx) => …)`. */
export type DbTransaction = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Where {@link idempotentHandler} records processed events. */
export interface IdempotentHandlerOptions {
  database: Database;
  /** Schema holding `processed_events` (see `eventsMigrationSql`). */
  schema: string;
  /** Consumer name; one dedupe namespace per logical consumer (usually the group). */
  consumer: string;
}

/**
 * Wraps `effect` into a bus handler with exactly-once effects: in one transaction it inserts
 * `(consumer, event id)` into `"<schema>".processed_events` (`on conflict do nothing`) and runs
 * `effect(event, tx)` only when that insert happened. If `effect` throws, both roll back and
 * the bus redelivers. `effect` gets the event typed by its contract (`@shop/schema/events`):
 * narrow on `event.type` to read `event.data`; the buses have dead-lettered events that match
 * no contract. `effect` must do its database work through `tx` (on PGlite, using
 * another handle inside it would wait for this transaction forever).
 */
export function idempotentHandler(
  options: IdempotentHandlerOptions,
  effect: (event: DomainEvent, tx: DbTransaction) => Promise<void>,
): EventHandler {
  const { database, schema, consumer } = options;
  assertSchemaName(schema);
  return (envelope) => {
    const event = toDomainEvent(envelope);
    return database.db.transaction(async (tx) => {
      const inserted = rowsOf(
        await tx.execute(
          sql`insert into ${sql.identifier(schema)}.processed_events (consumer, event_id)
              values (${consumer}, ${envelope.id}::uuid) on conflict do nothing returning event_id`,
        ),
      );
      if (inserted.length === 0) return;
      await effect(event, tx);
    });
  };
}
