import type { Db } from '@shop/db';
import type { NewEvent } from '@shop/events';
import type { IdempotentOptions, IdempotentOutcome } from '@shop/idempotency';
import type { HistoryEntry, NewOrder, NewOrderLine, TransitionWrite } from './repo';
import type { OrderStatus } from './state-machine';
import type { OrderHistoryRow, OrderLineRow, OrderRow } from './tables';
import type { CheckoutResponse } from './use-cases/checkout-results';

/**
 * The ports of the order use cases (`use-cases/`): the cart and product subgraphs (adapters in
 * `clients.ts`), the order tables (`repo.ts`) and the checkout's idempotency keys.
 */

export interface Money {
  amount: number;
  currencyCode: string;
}

export interface CheckoutCart {
  id: string;
  userId: string;
  currencyCode: string;
  version: number;
  lines: Array<{ variantId: string; quantity: number; unitPrice: Money }>;
}

export interface ReservedLine {
  variantId: string;
  productId: string;
  sku: string;
  productName: string;
  variantName: string;
  quantity: number;
  unitPrice: Money;
}

export interface StockFailure {
  variantId: string;
  code: string;
  requested: number | null;
  available: number | null;
}

export type Reservation =
  { ok: true; lines: ReservedLine[] } | { ok: false; failures: StockFailure[] };

/**
 * Answer of the cart's checkout claim: this checkout holds the cart (and has its lines), or the
 * order that holds it or was placed from it (null only when the cart does not record it).
 */
export type CartClaim =
  { claimed: true; cart: CheckoutCart } | { claimed: false; orderId: string | null };

/** The cart subgraph: `claimCartForCheckout` and `releaseCartClaim`. */
export interface CartPort {
  /** Null when the cart does not exist or is not the user's. */
  claim(cartId: string, userId: string, orderId: string): Promise<CartClaim | null>;
  /** Gives the claim of a failed checkout back; false when `orderId` no longer holds it. */
  release(cartId: string, orderId: string): Promise<boolean>;
}

/** The product subgraph: atomic, idempotent (per order id) stock reservation. */
export interface StockPort {
  reserve(input: {
    orderId: string;
    lines: Array<{ variantId: string; quantity: number }>;
  }): Promise<Reservation>;
  release(orderId: string): Promise<boolean>;
}

/**
 * The order tables. `transaction(fn)` runs `fn` in one transaction and hands it the `Db` bound to
 * it, which `lockOrder` and `applyTransition` take; an order is inserted with its lines, first
 * history row and `order.created` event in a transaction of its own.
 */
export interface OrderStore {
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Inserts an order with its lines, history row and the events `eventsOf` builds, atomically. */
  insertOrder(
    order: NewOrder,
    lines: NewOrderLine[],
    history: HistoryEntry,
    eventsOf: (row: OrderRow) => NewEvent[],
  ): Promise<OrderRow>;
  findOrder(id: string): Promise<OrderRow | undefined>;
  /** The id of the order placed from a cart (at most one: unique index), if any. */
  findOrderIdForCart(cartId: string): Promise<string | undefined>;
  /** Orders by id (any order; missing ids are absent), in one query. */
  findOrders(ids: string[]): Promise<OrderRow[]>;
  /** Reads an order and locks its row until the end of `tx`. */
  lockOrder(tx: Db, id: string): Promise<OrderRow | undefined>;
  /** Applies a status change while the version is still `fromVersion`; undefined when it moved. */
  applyTransition(tx: Db, write: TransitionWrite): Promise<OrderRow | undefined>;
  linesOfOrders(orderIds: string[]): Promise<OrderLineRow[]>;
  historyOfOrders(orderIds: string[]): Promise<OrderHistoryRow[]>;
  /** Orders newest first (by `seq`), optionally of one user / in one status, after a cursor. */
  listOrders(options: {
    limit: number;
    userId?: string | undefined;
    status?: OrderStatus | undefined;
    beforeSeq?: number | undefined;
  }): Promise<OrderRow[]>;
  /** The newest `limit` orders (after the cursor) of each of some users, newest first. */
  listOrdersOfUsers(options: {
    userIds: string[];
    limit: number;
    beforeSeq?: number | undefined;
  }): Promise<OrderRow[]>;
  /** Ids of PENDING_PAYMENT orders whose payment window has closed, oldest first. */
  overdueOrderIds(limit: number): Promise<string[]>;
}

/** The checkout's idempotency keys: `work` runs at most once per (scope, key). */
export interface CheckoutKeys {
  run(
    request: Pick<IdempotentOptions, 'scope' | 'key' | 'hash'>,
    work: () => Promise<CheckoutResponse>,
  ): Promise<IdempotentOutcome<CheckoutResponse>>;
}

export interface Logger {
  warn(message: string): void;
}

/** Everything the order use cases are built from; each takes the few it needs. */
export interface OrderPorts {
  repo: OrderStore;
  cart: CartPort;
  stock: StockPort;
  idempotency: CheckoutKeys;
  logger: Logger;
}
