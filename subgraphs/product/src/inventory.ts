import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '@shop/db';
import {
  appendToOutbox,
  newEvent,
  TOPICS,
  type DomainEvent,
  type EventData,
  type EventType,
  type NewEvent,
  type SqlExecutor,
} from '@shop/events';

/**
 * Inventory reservations: the synchronous part of checkout. `reserveStock` is called by the
 * order subgraph (service call) and is atomic (all lines or none) and idempotent per order id.
 * Releases and commits arrive as order events and are applied exactly once.
 */

export type ReservationFailureCode = 'OUT_OF_STOCK' | 'VARIANT_NOT_FOUND' | 'PRODUCT_UNAVAILABLE';

export interface ReservedLine {
  variantId: string;
  productId: string;
  sku: string;
  productName: string;
  variantName: string;
  quantity: number;
  unitPrice: { amount: number; currencyCode: string };
}

export interface ReservationFailure {
  variantId: string;
  code: ReservationFailureCode;
  requested: number;
  available: number;
}

export interface ReserveResult {
  ok: boolean;
  lines: ReservedLine[];
  failures: ReservationFailure[];
}

/** How long an uncommitted reservation lives before the sweeper gives the stock back. */
export const RESERVATION_TTL_SECONDS = 30 * 60;

const rows = <T>(result: unknown): T[] => (result as { rows?: T[] }).rows ?? [];

class ReservationRejected extends Error {
  constructor(readonly failures: ReservationFailure[]) {
    super('reservation rejected');
  }
}

interface LineRow {
  variant_id: string;
  product_id: string;
  sku: string;
  product_name: string;
  variant_name: string;
  quantity: number;
  price_amount: string | number;
  currency: string;
  stock_on_hand: number;
}

const toLine = (row: LineRow): ReservedLine => ({
  variantId: row.variant_id,
  productId: row.product_id,
  sku: row.sku,
  productName: row.product_name,
  variantName: row.variant_name,
  quantity: Number(row.quantity),
  unitPrice: { amount: Number(row.price_amount), currencyCode: row.currency.trim() },
});

const stockEvent = <TType extends Extract<EventType, `stock.${string}`>>(
  type: TType,
  variantId: string,
  data: Omit<EventData<TType>, 'variantId'>,
): NewEvent =>
  newEvent({
    type,
    source: 'product',
    topic: TOPICS.inventory,
    subject: variantId,
    sequence: 0,
    data: { variantId, ...data } as EventData<TType>,
  });

/** Sums quantities per variant and orders by variant id (a fixed lock order avoids deadlocks). */
function normalise(lines: Array<{ variantId: string; quantity: number }>) {
  const byVariant = new Map<string, number>();
  for (const line of lines)
    byVariant.set(line.variantId, (byVariant.get(line.variantId) ?? 0) + line.quantity);
  return [...byVariant.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([variantId, quantity]) => ({ variantId, quantity }));
}

async function existingReservation(
  tx: SqlExecutor,
  orderId: string,
): Promise<ReserveResult | undefined> {
  const existing = rows<LineRow & { status: string }>(
    await tx.execute(sql`
      select r.variant_id, p.id as product_id, v.sku, p.name as product_name, v.name as variant_name,
             r.quantity, v.price_amount, v.currency, v.stock_on_hand, r.status
      from product.stock_reservations r
      join product.variants v on v.id = r.variant_id
      join product.products p on p.id = v.product_id
      where r.order_id = ${orderId}::uuid
      order by r.variant_id`),
  );
  if (existing.length === 0) return undefined;
  const active = existing.every((row) => row.status !== 'RELEASED');
  return { ok: active, lines: active ? existing.map(toLine) : [], failures: [] };
}

/**
 * Reserves every line or none. Each line is a conditional update
 * (`stock_on_hand >= quantity` on a published product), so N concurrent checkouts for the
 * last units can never oversell; a second call for the same order returns the first result.
 */
export async function reserveStock(
  database: Database,
  input: { orderId: string; lines: Array<{ variantId: string; quantity: number }> },
): Promise<ReserveResult> {
  const lines = normalise(input.lines);
  if (
    lines.length === 0 ||
    lines.some((line) => !Number.isInteger(line.quantity) || line.quantity < 1)
  ) {
    return {
      ok: false,
      lines: [],
      failures: lines.map((l) => ({
        variantId: l.variantId,
        code: 'VARIANT_NOT_FOUND',
        requested: l.quantity,
        available: 0,
      })),
    };
  }
  try {
    return await database.db.transaction(async (tx) => {
      // Serialise concurrent calls for one order (retries of a checkout) on its id.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`reserve:${input.orderId}`}))`);
      const previous = await existingReservation(tx, input.orderId);
      if (previous) return previous;

      const reserved: ReservedLine[] = [];
      const failures: ReservationFailure[] = [];
      for (const line of lines) {
        const [row] = rows<LineRow>(
          await tx.execute(sql`
            update product.variants v
               set stock_on_hand = v.stock_on_hand - ${line.quantity}, updated_at = now()
              from product.products p
             where v.id = ${line.variantId}::uuid and p.id = v.product_id
               and p.status = 'PUBLISHED' and v.stock_on_hand >= ${line.quantity}
            returning v.id as variant_id, p.id as product_id, v.sku, p.name as product_name,
                      v.name as variant_name, ${line.quantity}::int as quantity, v.price_amount,
                      v.currency, v.stock_on_hand`),
        );
        if (row) {
          reserved.push(toLine(row));
          continue;
        }
        const [state] = rows<{ stock_on_hand: number; status: string }>(
          await tx.execute(sql`
            select v.stock_on_hand, p.status from product.variants v
            join product.products p on p.id = v.product_id where v.id = ${line.variantId}::uuid`),
        );
        failures.push({
          variantId: line.variantId,
          code: !state
            ? 'VARIANT_NOT_FOUND'
            : state.status !== 'PUBLISHED'
              ? 'PRODUCT_UNAVAILABLE'
              : 'OUT_OF_STOCK',
          requested: line.quantity,
          available: state ? Number(state.stock_on_hand) : 0,
        });
      }
      if (failures.length > 0) throw new ReservationRejected(failures);

      for (const line of reserved) {
        await tx.execute(sql`
          insert into product.stock_reservations (id, order_id, variant_id, quantity, expires_at)
          values (${randomUUID()}::uuid, ${input.orderId}::uuid, ${line.variantId}::uuid, ${line.quantity},
                  now() + make_interval(secs => ${RESERVATION_TTL_SECONDS}))`);
      }
      const stockLeft = await stockOf(
        tx,
        reserved.map((l) => l.variantId),
      );
      await appendToOutbox(
        tx,
        'product',
        reserved.map((line) =>
          stockEvent('stock.reserved', line.variantId, {
            orderId: input.orderId,
            quantity: line.quantity,
            stockOnHand: stockLeft.get(line.variantId) ?? 0,
          }),
        ),
      );
      return { ok: true, lines: reserved, failures: [] };
    });
  } catch (error) {
    if (error instanceof ReservationRejected)
      return { ok: false, lines: [], failures: error.failures };
    throw error;
  }
}

async function stockOf(tx: SqlExecutor, variantIds: string[]): Promise<Map<string, number>> {
  if (variantIds.length === 0) return new Map();
  const found = rows<{ id: string; stock_on_hand: number }>(
    await tx.execute(
      sql`select id, stock_on_hand from product.variants where id in (${sql.join(
        variantIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    ),
  );
  return new Map(found.map((row) => [row.id, Number(row.stock_on_hand)]));
}

/**
 * Gives back the stock of an order's reservations (RESERVED or COMMITTED → RELEASED), exactly
 * once: the status change is the guard. Runs inside the caller's transaction.
 */
export async function releaseStockIn(
  tx: SqlExecutor,
  orderId: string,
  reason: string,
): Promise<number> {
  const released = rows<{ variant_id: string; quantity: number }>(
    await tx.execute(sql`
      update product.stock_reservations set status = 'RELEASED', updated_at = now()
       where order_id = ${orderId}::uuid and status in ('RESERVED', 'COMMITTED')
      returning variant_id, quantity`),
  );
  for (const row of released) {
    await tx.execute(sql`
      update product.variants set stock_on_hand = stock_on_hand + ${Number(row.quantity)}, updated_at = now()
       where id = ${row.variant_id}::uuid`);
  }
  const stockLeft = await stockOf(
    tx,
    released.map((r) => r.variant_id),
  );
  await appendToOutbox(
    tx,
    'product',
    released.map((row) =>
      stockEvent('stock.reservation_released', row.variant_id, {
        orderId,
        quantity: Number(row.quantity),
        stockOnHand: stockLeft.get(row.variant_id) ?? 0,
        reason,
      }),
    ),
  );
  return released.length;
}

/** Turns an order's reservations into allocations (payment authorized): they no longer expire. */
export async function commitStockIn(tx: SqlExecutor, orderId: string): Promise<number> {
  const committed = rows<{ variant_id: string; quantity: number }>(
    await tx.execute(sql`
      update product.stock_reservations set status = 'COMMITTED', updated_at = now()
       where order_id = ${orderId}::uuid and status = 'RESERVED'
      returning variant_id, quantity`),
  );
  await appendToOutbox(
    tx,
    'product',
    committed.map((row) =>
      stockEvent('stock.allocated', row.variant_id, { orderId, quantity: Number(row.quantity) }),
    ),
  );
  return committed.length;
}

/** Releases an order's stock in its own transaction. */
export function releaseStock(database: Database, orderId: string, reason: string): Promise<number> {
  return database.db.transaction((tx) => releaseStockIn(tx, orderId, reason));
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
