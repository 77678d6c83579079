import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { appendToOutbox, type SqlExecutor } from '@shop/events';
import type { ReservedLine } from './model';
import type { ReservationChange, StockStore } from './ports';

const rows = <T>(result: unknown): T[] => (result as { rows?: T[] }).rows ?? [];

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

const toChange = (row: { variant_id: string; quantity: number }): ReservationChange => ({
  variantId: row.variant_id,
  quantity: Number(row.quantity),
});

/** The SQL implementation of the stock storage port, on `tx` (a transaction). */
export function createStockStore(tx: SqlExecutor): StockStore {
  return {
    async lockOrder(orderId) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`reserve:${orderId}`}))`);
    },

    async reservationsOf(orderId) {
      const found = rows<LineRow & { status: string }>(
        await tx.execute(sql`
          select r.variant_id, p.id as product_id, v.sku, p.name as product_name, v.name as variant_name,
                 r.quantity, v.price_amount, v.currency, v.stock_on_hand, r.status
          from product.stock_reservations r
          join product.variants v on v.id = r.variant_id
          join product.products p on p.id = v.product_id
          where r.order_id = ${orderId}::uuid
          order by r.variant_id`),
      );
      return found.map((row) => ({ line: toLine(row), status: row.status }));
    },

    async takeStock(variantId, quantity) {
      const [row] = rows<LineRow>(
        await tx.execute(sql`
          update product.variants v
             set stock_on_hand = v.stock_on_hand - ${quantity}, updated_at = now()
            from product.products p
           where v.id = ${variantId}::uuid and p.id = v.product_id
             and p.status = 'PUBLISHED' and v.stock_on_hand >= ${quantity}
          returning v.id as variant_id, p.id as product_id, v.sku, p.name as product_name,
                    v.name as variant_name, ${quantity}::int as quantity, v.price_amount,
                    v.currency, v.stock_on_hand`),
      );
      return row ? toLine(row) : undefined;
    },

    async stockState(variantId) {
      const [state] = rows<{ stock_on_hand: number; status: string }>(
        await tx.execute(sql`
          select v.stock_on_hand, p.status from product.variants v
          join product.products p on p.id = v.product_id where v.id = ${variantId}::uuid`),
      );
      return state ? { stockOnHand: Number(state.stock_on_hand), status: state.status } : undefined;
    },

    async insertReservation({ orderId, variantId, quantity, ttlSeconds }) {
      await tx.execute(sql`
        insert into product.stock_reservations (id, order_id, variant_id, quantity, expires_at)
        values (${randomUUID()}::uuid, ${orderId}::uuid, ${variantId}::uuid, ${quantity},
                now() + make_interval(secs => ${ttlSeconds}))`);
    },

    async stockOf(variantIds) {
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
    },

    async releaseReservations(orderId) {
      const released = rows<{ variant_id: string; quantity: number }>(
        await tx.execute(sql`
          update product.stock_reservations set status = 'RELEASED', updated_at = now()
           where order_id = ${orderId}::uuid and status in ('RESERVED', 'COMMITTED')
          returning variant_id, quantity`),
      );
      return released.map(toChange);
    },

    async returnStock(variantId, quantity) {
      await tx.execute(sql`
        update product.variants set stock_on_hand = stock_on_hand + ${quantity}, updated_at = now()
         where id = ${variantId}::uuid`);
    },

    async commitReservations(orderId) {
      const committed = rows<{ variant_id: string; quantity: number }>(
        await tx.execute(sql`
          update product.stock_reservations set status = 'COMMITTED', updated_at = now()
           where order_id = ${orderId}::uuid and status = 'RESERVED'
          returning variant_id, quantity`),
      );
      return committed.map(toChange);
    },

    async appendEvents(events) {
      await appendToOutbox(tx, 'product', events);
    },
  };
}
