import type { Identity } from '@shop/auth';
import type { OrderPorts } from '../ports';
import type { OrderHistoryRow, OrderLineRow, OrderRow } from '../tables';
import { isUuid } from '../validation';
import { canSeeOrder } from './actors';

/** Reading orders: one, a page, the newest of some users, their lines and history. */
export function createOrderReads({ repo }: Pick<OrderPorts, 'repo'>) {
  return {
    /** The order if `identity` may see it; another user's order is null like a missing one. */
    async orderFor(identity: Identity | null, id: string): Promise<OrderRow | null> {
      if (!isUuid(id)) return null;
      const row = await repo.findOrder(id);
      return row && canSeeOrder(identity, row) ? row : null;
    },

    /** For the payment subgraph (callers check the SERVICE role). */
    async orderForPayment(id: string): Promise<OrderRow | null> {
      if (!isUuid(id)) return null;
      return (await repo.findOrder(id)) ?? null;
    },

    /** The orders among `ids` that `identity` may see (others are absent, like missing ones). */
    async ordersFor(identity: Identity | null, ids: string[]): Promise<Map<string, OrderRow>> {
      const rows = await repo.findOrders(ids.filter(isUuid));
      return new Map(
        rows.filter((row) => canSeeOrder(identity, row)).map((row) => [row.id, row] as const),
      );
    },

    listOrders: repo.listOrders,

    /**
     * The newest `limit` orders of each user (after `beforeSeq`), in one query. Callers check
     * who may list whose orders.
     */
    async ordersOfUsers(options: {
      userIds: string[];
      limit: number;
      beforeSeq?: number | undefined;
    }): Promise<Map<string, OrderRow[]>> {
      const byUser = new Map<string, OrderRow[]>(options.userIds.map((id) => [id, []]));
      for (const row of await repo.listOrdersOfUsers(options)) byUser.get(row.userId)?.push(row);
      return byUser;
    },

    /** The lines of some orders (read with one query), by order id. */
    async linesOfOrders(orderIds: string[]): Promise<Map<string, OrderLineRow[]>> {
      return groupBy(orderIds, await repo.linesOfOrders(orderIds), (row) => row.orderId);
    },

    /** The status history of some orders (read with one query), by order id. */
    async historyOfOrders(orderIds: string[]): Promise<Map<string, OrderHistoryRow[]>> {
      return groupBy(orderIds, await repo.historyOfOrders(orderIds), (row) => row.orderId);
    },
  };
}

/** Rows grouped under each of `keys` (in row order; an empty list for keys without rows). */
function groupBy<TRow>(
  keys: string[],
  rows: TRow[],
  keyOf: (row: TRow) => string,
): Map<string, TRow[]> {
  const grouped = new Map<string, TRow[]>(keys.map((key) => [key, []]));
  for (const row of rows) grouped.get(keyOf(row))?.push(row);
  return grouped;
}
