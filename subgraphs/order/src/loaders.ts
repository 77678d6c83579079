import type { Identity } from '@shop/auth';
import { createBatchLoader } from '@shop/subgraph';
import type { OrderService } from './service';
import type { OrderHistoryRow, OrderLineRow, OrderRow } from './tables';

/** One page request of `User.orders`: the same page of each user is read with one query. */
export interface UserOrdersPage {
  userId: string;
  limit: number;
  beforeSeq?: number | undefined;
}

/**
 * Per-request batch loaders: everything asked for in the same tick (an `_entities` call with 50
 * orders, the lines of a page of 50 orders) is read with one query per kind of row. Created for
 * each request with its caller, so nothing is cached across requests or users; the visibility
 * check still applies to every single order.
 */
export function createOrderLoaders(service: OrderService, identity: Identity | null) {
  const order = createBatchLoader<OrderRow>((ids) => service.ordersFor(identity, ids));
  const lines = createBatchLoader<OrderLineRow[]>((ids) => service.linesOfOrders(ids));
  const history = createBatchLoader<OrderHistoryRow[]>((ids) => service.historyOfOrders(ids));
  // Keyed by page and user: `limit:beforeSeq:userId`; one query per distinct page.
  const userOrders = createBatchLoader<OrderRow[]>(async (keys) => {
    const pages = new Map<string, { limit: number; beforeSeq?: number; userIds: string[] }>();
    for (const key of keys) {
      const [limit = '', beforeSeq = '', ...rest] = key.split(':');
      const userId = rest.join(':'); // user ids are opaque: keep any ':' they contain
      const page = pages.get(`${limit}:${beforeSeq}`) ?? {
        limit: Number(limit),
        ...(beforeSeq ? { beforeSeq: Number(beforeSeq) } : {}),
        userIds: [],
      };
      page.userIds.push(userId);
      pages.set(`${limit}:${beforeSeq}`, page);
    }
    const found = new Map<string, OrderRow[]>();
    await Promise.all(
      [...pages].map(async ([pageKey, page]) => {
        for (const [userId, rows] of await service.ordersOfUsers(page)) {
          found.set(`${pageKey}:${userId}`, rows);
        }
      }),
    );
    return found;
  });
  return {
    /** The order if the caller may see it (null like a missing one otherwise). */
    order: async (id: string) => (await order(id)) ?? null,
    lines: async (orderId: string) => (await lines(orderId)) ?? [],
    history: async (orderId: string) => (await history(orderId)) ?? [],
    /** One page of a user's orders; the caller checks who may list them. */
    userOrders: async (page: UserOrdersPage) =>
      (await userOrders(`${page.limit}:${page.beforeSeq ?? ''}:${page.userId}`)) ?? [],
  };
}

export type OrderLoaders = ReturnType<typeof createOrderLoaders>;
