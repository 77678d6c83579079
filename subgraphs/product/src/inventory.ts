import { withTransaction, type Database } from '@shop/db';
import { TOPICS, type DomainEvent, type SqlExecutor } from '@shop/events';
import type { ReserveResult } from './model';
import { createStockStore } from './stock-queries';
import { commit, release, reserve } from './use-cases/stock';

/**
 * The inventory's entry points, bound to the database: `reserveStock` is called by the order
 * subgraph (service call) during checkout; releases and commits arrive as order events and run
 * in the idempotent consumer's transaction. The rules are in `use-cases/stock.ts`.
 */

/** Reserves every line of an order or none, idempotent per order id (see `reserve`). */
export function reserveStock(
  database: Database,
  input: { orderId: string; lines: Array<{ variantId: string; quantity: number }> },
): Promise<ReserveResult> {
  return reserve((fn) => withTransaction(database.db, (tx) => fn(createStockStore(tx))), input);
}

/** Gives back the stock of an order's reservations, exactly once, inside the caller's `tx`. */
export function releaseStockIn(tx: SqlExecutor, orderId: string, reason: string): Promise<number> {
  return release(createStockStore(tx), orderId, reason);
}

/** Turns an order's reservations into allocations inside the caller's `tx`. */
export function commitStockIn(tx: SqlExecutor, orderId: string): Promise<number> {
  return commit(createStockStore(tx), orderId);
}

/** Releases an order's stock in its own transaction. */
export function releaseStock(database: Database, orderId: string, reason: string): Promise<number> {
  return withTransaction(database.db, (tx) => releaseStockIn(tx, orderId, reason));
}

/** Releases reservations past their TTL that were never committed. Returns how many orders. */
export async function releaseExpiredReservations(database: Database): Promise<number> {
  const overdue = await database.query<{ order_id: string }>(
    `select distinct order_id from product.stock_reservations where status = 'RESERVED' and expires_at < now() limit 100`,
  );
  for (const { order_id } of overdue) await releaseStock(database, order_id, 'reservation expired');
  return overdue.length;
}

/** What the product subgraph does with order events: allocate on `order.placed`, give the stock
 * back on `order.cancelled` / `order.expired`. Runs inside the idempotent consumer's transaction. */
export async function applyOrderEvent(envelope: DomainEvent, tx: SqlExecutor): Promise<void> {
  if (envelope.topic !== TOPICS.order) return;
  const { orderId } = envelope.data;
  if (envelope.type === 'order.placed') await commitStockIn(tx, orderId);
  if (envelope.type === 'order.cancelled' || envelope.type === 'order.expired') {
    await releaseStockIn(tx, orderId, envelope.type);
  }
}
