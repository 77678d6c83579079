import {
  fail,
  round,
  validateRange,
  type MoneyView,
  type Result,
  type SalesSummaryView,
  type TimeRange,
  type TopProductView,
} from '../model';
import type { SalesStore } from '../ports';

const money = (sums: Array<{ currency: string; amountMinor: number }>): MoneyView[] =>
  sums
    .filter((sum) => sum.amountMinor !== 0)
    .map((sum) => ({ amount: sum.amountMinor, currencyCode: sum.currency }));

/** The reads of sales: orders, revenue, payments and the cart funnel; best-selling products. */
export function createSales(deps: { reads: SalesStore }) {
  const { reads } = deps;
  return {
    /** Orders, placed revenue, payments and the cart funnel over the range. */
    async salesSummary(range: TimeRange): Promise<Result<{ summary: SalesSummaryView }>> {
      const invalid = validateRange(range);
      if (invalid) return invalid;
      const { from, to } = range;
      const [totals, hourly, captured, refunded, funnel] = await Promise.all([
        reads.orderTotals(from, to),
        reads.ordersPerHour(from, to),
        reads.paymentTotals('CAPTURED', from, to),
        reads.paymentTotals('REFUNDED', from, to),
        reads.cartFunnel(from, to),
      ]);
      const hours = new Map<number, SalesSummaryView['hourly'][number]>();
      for (const row of hourly) {
        let hour = hours.get(row.hour.getTime());
        if (!hour) {
          hour = { hour: row.hour, orders: 0, placedOrders: 0, revenue: [] };
          hours.set(row.hour.getTime(), hour);
        }
        hour.orders += row.orders;
        hour.placedOrders += row.placed;
        if (row.revenueMinor !== 0) {
          hour.revenue.push({ amount: row.revenueMinor, currencyCode: row.currency });
        }
      }
      const sum = (pick: (row: (typeof totals)[number]) => number) =>
        totals.reduce((acc, row) => acc + pick(row), 0);
      return {
        ok: true,
        summary: {
          range,
          orders: sum((row) => row.orders),
          placedOrders: sum((row) => row.placed),
          cancelledOrders: sum((row) => row.cancelled),
          revenue: money(totals.map((row) => ({ ...row, amountMinor: row.revenueMinor }))),
          captured: money(captured),
          refunded: money(refunded),
          cartsCreated: funnel.created,
          cartsConverted: funnel.converted,
          conversionRate: funnel.created === 0 ? null : round(funnel.converted / funnel.created),
          hourly: [...hours.values()],
        },
      };
    },

    /** Best-selling products (per currency) over the placed orders created in the range. */
    async topProducts(
      range: TimeRange,
      limit: number,
      orderBy: 'UNITS' | 'REVENUE',
    ): Promise<Result<{ products: TopProductView[] }>> {
      const invalid = validateRange(range);
      if (invalid) return invalid;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        return fail('limit must be between 1 and 100', ['limit']);
      }
      const rows = await reads.topProducts({
        ...range,
        limit,
        orderBy: orderBy === 'UNITS' ? 'units' : 'revenue',
      });
      return {
        ok: true,
        products: rows.map((row) => ({
          productId: row.productId,
          productName: row.productName,
          units: row.units,
          orders: row.orders,
          revenue: { amount: row.revenueMinor, currencyCode: row.currency },
        })),
      };
    },
  };
}
