import { newEvent, TOPICS, type EventData, type EventType, type NewEvent } from '@shop/events';
import type { ReservationFailure, ReservedLine, ReserveResult } from '../model';
import type { StockStore, StockTransaction } from '../ports';

/*
 * Inventory reservations: the synchronous part of checkout. `reserve` is atomic (all lines or
 * none) and idempotent per order id. Releases and commits run in the caller's transaction (the
 * order-event consumer's or one of their own) and happen once: the status change is the guard.
 */

/** How long an uncommitted reservation lives before the sweeper gives the stock back. */
export const RESERVATION_TTL_SECONDS = 30 * 60;

class ReservationRejected extends Error {
  constructor(readonly failures: ReservationFailure[]) {
    super('reservation rejected');
  }
}

/** An `inventory.events.v1` event about `variantId`, `data` typed by the event's contract. */
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

/** The order's earlier reservation (active unless released), or undefined. */
async function existingReservation(
  tx: StockStore,
  orderId: string,
): Promise<ReserveResult | undefined> {
  const existing = await tx.reservationsOf(orderId);
  if (existing.length === 0) return undefined;
  const active = existing.every((row) => row.status !== 'RELEASED');
  return { ok: active, lines: active ? existing.map((row) => row.line) : [], failures: [] };
}

/**
 * Reserves every line or none. Each line is a conditional update
 * (`stock_on_hand >= quantity` on a published product), so N concurrent checkouts for the
 * last units can never oversell; a second call for the same order returns the first result.
 */
export async function reserve(
  transaction: StockTransaction,
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
    return await transaction(async (tx) => {
      // Serialise concurrent calls for one order (retries of a checkout) on its id.
      await tx.lockOrder(input.orderId);
      const previous = await existingReservation(tx, input.orderId);
      if (previous) return previous;

      const reserved: ReservedLine[] = [];
      const failures: ReservationFailure[] = [];
      for (const line of lines) {
        const taken = await tx.takeStock(line.variantId, line.quantity);
        if (taken) {
          reserved.push(taken);
          continue;
        }
        const state = await tx.stockState(line.variantId);
        failures.push({
          variantId: line.variantId,
          code: !state
            ? 'VARIANT_NOT_FOUND'
            : state.status !== 'PUBLISHED'
              ? 'PRODUCT_UNAVAILABLE'
              : 'OUT_OF_STOCK',
          requested: line.quantity,
          available: state ? state.stockOnHand : 0,
        });
      }
      if (failures.length > 0) throw new ReservationRejected(failures);

      for (const line of reserved) {
        await tx.insertReservation({
          orderId: input.orderId,
          variantId: line.variantId,
          quantity: line.quantity,
          ttlSeconds: RESERVATION_TTL_SECONDS,
        });
      }
      const stockLeft = await tx.stockOf(reserved.map((l) => l.variantId));
      await tx.appendEvents(
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

/**
 * Gives back the stock of an order's reservations (RESERVED or COMMITTED → RELEASED), exactly
 * once. Returns how many reservations were released.
 */
export async function release(tx: StockStore, orderId: string, reason: string): Promise<number> {
  const released = await tx.releaseReservations(orderId);
  for (const row of released) await tx.returnStock(row.variantId, row.quantity);
  const stockLeft = await tx.stockOf(released.map((r) => r.variantId));
  await tx.appendEvents(
    released.map((row) =>
      stockEvent('stock.reservation_released', row.variantId, {
        orderId,
        quantity: row.quantity,
        stockOnHand: stockLeft.get(row.variantId) ?? 0,
        reason,
      }),
    ),
  );
  return released.length;
}

/** Turns an order's reservations into allocations (payment authorized): they no longer expire. */
export async function commit(tx: StockStore, orderId: string): Promise<number> {
  const committed = await tx.commitReservations(orderId);
  await tx.appendEvents(
    committed.map((row) =>
      stockEvent('stock.allocated', row.variantId, { orderId, quantity: row.quantity }),
    ),
  );
  return committed.length;
}
