import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { CurrencySum, ProjectionStore, SalesStore } from './ports';
import type { Executor } from './repo';
import { toNumber, toSafeInteger } from './sql-numbers';
import {
  carts,
  orderLines,
  orderMilestones,
  orders,
  paymentMovements,
  type OrderLineRow,
} from './tables';

/** The queries of the sales facts (orders, lines, payments, carts), bound to one handle. */
export function createSalesQueries(db: Executor): SalesStore & Omit<ProjectionStore, 'addUsage'> {
  return {
    /** Records an order.created (first delivery wins); false when it was already known. */
    async recordOrder(
      order: typeof orders.$inferInsert,
      lines: Array<Omit<OrderLineRow, 'orderId'>>,
    ): Promise<boolean> {
      const inserted = await db
        .insert(orders)
        .values(order)
        .onConflictDoNothing()
        .returning({ id: orders.orderId });
      if (inserted.length === 0) return false;
      if (lines.length > 0) {
        await db
          .insert(orderLines)
          .values(lines.map((line) => ({ ...line, orderId: order.orderId })))
          .onConflictDoNothing();
      }
      return true;
    },

    /** Sets the order's placed (or cancelled) time, keeping the earliest one. */
    async markOrder(orderId: string, milestone: 'placed' | 'cancelled', at: Date): Promise<void> {
      const column =
        milestone === 'placed' ? orderMilestones.placedAt : orderMilestones.cancelledAt;
      const key = milestone === 'placed' ? 'placedAt' : 'cancelledAt';
      await db
        .insert(orderMilestones)
        .values({ orderId, [key]: at })
        .onConflictDoUpdate({
          target: orderMilestones.orderId,
          set: { [key]: sql`least(${column}, excluded.${sql.identifier(column.name)})` },
        });
    },

    async recordPayment(row: typeof paymentMovements.$inferInsert): Promise<void> {
      await db.insert(paymentMovements).values(row).onConflictDoNothing();
    },

    /** Records the cart's creation or conversion time (earliest wins). */
    async markCart(
      cartId: string,
      change: { createdAt: Date } | { convertedAt: Date; orderId: string | null },
    ): Promise<void> {
      if ('createdAt' in change) {
        await db
          .insert(carts)
          .values({ cartId, createdAt: change.createdAt })
          .onConflictDoUpdate({
            target: carts.cartId,
            set: { createdAt: sql`least(${carts.createdAt}, excluded.created_at)` },
          });
        return;
      }
      await db
        .insert(carts)
        .values({ cartId, convertedAt: change.convertedAt, orderId: change.orderId })
        .onConflictDoUpdate({
          target: carts.cartId,
          set: {
            convertedAt: sql`least(${carts.convertedAt}, excluded.converted_at)`,
            orderId: sql`coalesce(${carts.orderId}, excluded.order_id)`,
          },
        });
    },

    /** Orders created in `[from, to)`: all, placed, cancelled; placed revenue per currency. */
    async orderTotals(from: Date, to: Date) {
      const rows = await db
        .select({
          currency: orders.currency,
          orders: sql<string>`count(*)::text`,
          placed: sql<string>`count(${orderMilestones.placedAt})::text`,
          cancelled: sql<string>`count(${orderMilestones.cancelledAt})::text`,
          revenue: sql<string>`coalesce(sum(${orders.totalMinor}) filter (where ${orderMilestones.placedAt} is not null), 0)::text`,
        })
        .from(orders)
        .leftJoin(orderMilestones, eq(orderMilestones.orderId, orders.orderId))
        .where(and(gte(orders.createdAt, from), lt(orders.createdAt, to)))
        .groupBy(orders.currency)
        .orderBy(asc(orders.currency));
      return rows.map((row) => ({
        currency: row.currency,
        orders: toNumber(row.orders),
        placed: toNumber(row.placed),
        cancelled: toNumber(row.cancelled),
        revenueMinor: toSafeInteger(row.revenue),
      }));
    },

    /** Orders created per hour (UTC) and currency in `[from, to)`. */
    async ordersPerHour(from: Date, to: Date) {
      const hour = sql<string>`to_char(date_trunc('hour', ${orders.createdAt} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"')`;
      const rows = await db
        .select({
          hour,
          currency: orders.currency,
          orders: sql<string>`count(*)::text`,
          placed: sql<string>`count(${orderMilestones.placedAt})::text`,
          revenue: sql<string>`coalesce(sum(${orders.totalMinor}) filter (where ${orderMilestones.placedAt} is not null), 0)::text`,
        })
        .from(orders)
        .leftJoin(orderMilestones, eq(orderMilestones.orderId, orders.orderId))
        .where(and(gte(orders.createdAt, from), lt(orders.createdAt, to)))
        .groupBy(hour, orders.currency)
        .orderBy(asc(hour), asc(orders.currency));
      return rows.map((row) => ({
        hour: new Date(row.hour),
        currency: row.currency,
        orders: toNumber(row.orders),
        placed: toNumber(row.placed),
        revenueMinor: toSafeInteger(row.revenue),
      }));
    },

    /** Payment movements of one kind in `[from, to)`, summed per currency. */
    async paymentTotals(kind: string, from: Date, to: Date): Promise<CurrencySum[]> {
      const rows = await db
        .select({
          currency: paymentMovements.currency,
          amount: sql<string>`sum(${paymentMovements.amountMinor})::text`,
        })
        .from(paymentMovements)
        .where(
          and(
            eq(paymentMovements.kind, kind),
            gte(paymentMovements.occurredAt, from),
            lt(paymentMovements.occurredAt, to),
          ),
        )
        .groupBy(paymentMovements.currency)
        .orderBy(asc(paymentMovements.currency));
      return rows.map((row) => ({
        currency: row.currency,
        amountMinor: toSafeInteger(row.amount),
      }));
    },

    /** Carts created in `[from, to)` and how many of those have been converted. */
    async cartFunnel(from: Date, to: Date): Promise<{ created: number; converted: number }> {
      const [row] = await db
        .select({
          created: sql<string>`count(*)::text`,
          converted: sql<string>`count(${carts.convertedAt})::text`,
        })
        .from(carts)
        .where(and(gte(carts.createdAt, from), lt(carts.createdAt, to)));
      return { created: toNumber(row?.created ?? 0), converted: toNumber(row?.converted ?? 0) };
    },

    /**
     * Units and revenue per product and currency over the lines of placed orders created in
     * `[from, to)`, best first by `orderBy`.
     */
    async topProducts(query: {
      from: Date;
      to: Date;
      limit: number;
      orderBy: 'units' | 'revenue';
    }) {
      const units = sql<string>`sum(${orderLines.quantity})`;
      const revenue = sql<string>`sum(${orderLines.quantity}::numeric * ${orderLines.unitMinor})`;
      const rows = await db
        .select({
          productId: orderLines.productId,
          currency: orderLines.currency,
          productName: sql<string>`(array_agg(${orderLines.productName} order by ${orders.createdAt} desc))[1]`,
          units: sql<string>`${units}::text`,
          revenue: sql<string>`${revenue}::text`,
          orders: sql<string>`count(distinct ${orders.orderId})::text`,
        })
        .from(orderLines)
        .innerJoin(orders, eq(orders.orderId, orderLines.orderId))
        .innerJoin(orderMilestones, eq(orderMilestones.orderId, orders.orderId))
        .where(
          and(
            gte(orders.createdAt, query.from),
            lt(orders.createdAt, query.to),
            sql`${orderMilestones.placedAt} is not null`,
          ),
        )
        .groupBy(orderLines.productId, orderLines.currency)
        .orderBy(
          ...(query.orderBy === 'units'
            ? [sql`${units} desc`, sql`${revenue} desc`]
            : [sql`${revenue} desc`, sql`${units} desc`]),
          asc(orderLines.productId),
        )
        .limit(query.limit);
      return rows.map((row) => ({
        productId: row.productId,
        productName: row.productName,
        currency: row.currency,
        units: toNumber(row.units),
        revenueMinor: toSafeInteger(row.revenue),
        orders: toNumber(row.orders),
      }));
    },
  };
}
