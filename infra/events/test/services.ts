import { sql } from 'drizzle-orm';
import { migrate, type Database } from '@shop/db';
import {
  appendToOutbox,
  eventsMigration,
  eventsMigrationSql,
  idempotentHandler,
  TOPICS,
  type EventEnvelope,
} from '../src/index';

/** Business table of the producing "order" service, plus its outbox. */
export async function migrateOrderService(database: Database): Promise<void> {
  await migrate(database, {
    schema: 'shop_order',
    migrations: [
      {
        name: '0001_orders.sql',
        sql: 'create table shop_order.orders (id text primary key, total integer not null);',
      },
      eventsMigration('shop_order'),
    ],
  });
}

/** The consuming "notification" service: processed_events plus an effects table without dedupe. */
export async function migrateNotificationService(database: Database): Promise<void> {
  await migrate(database, {
    schema: 'shop_notify',
    migrations: [
      {
        name: '0001_sent.sql',
        sql: 'create table shop_notify.sent (event_id uuid not null, order_id text not null);',
      },
      { name: '0002_events.sql', sql: eventsMigrationSql('shop_notify') },
    ],
  });
}

/** One business transaction: an order row plus its `order.placed` event. */
export async function placeOrder(
  database: Database,
  id: string,
  options: { fail?: boolean } = {},
): Promise<EventEnvelope> {
  let written: EventEnvelope | undefined;
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`insert into shop_order.orders (id, total) values (${id}, 1000)`);
    [written] = await appendToOutbox(tx, 'shop_order', [
      {
        type: 'order.placed',
        source: 'order',
        topic: TOPICS.order,
        subject: id,
        sequence: 1,
        data: { orderId: id, userId: 'user-1' },
      },
    ]);
    if (options.fail) throw new Error('business rule failed after the outbox write');
  });
  return written!;
}

/** A notification consumer that records one `sent` row per handled event. */
export function notificationEffect(database: Database) {
  return idempotentHandler(
    { database, schema: 'shop_notify', consumer: 'notification' },
    async (event, tx) => {
      if (event.topic !== TOPICS.order) throw new Error(`unexpected ${event.type}`);
      await tx.execute(
        sql`insert into shop_notify.sent (event_id, order_id) values (${event.id}::uuid, ${event.data.orderId})`,
      );
    },
  );
}

/** Row count of a query. */
export const countOf = async (database: Database, text: string, params: unknown[] = []) =>
  Number(
    (await database.query<{ n: string }>(`select count(*)::text as n from (${text}) t`, params))[0]
      ?.n,
  );
