/**
 * The money invariants the model checks after each run, read from the subgraphs' own tables
 * (order, payment, product) of the run's customers and variants. Each check returns readable
 * violations; an empty list means the invariant holds.
 */
import type { Database } from '@shop/db';
import type { Money } from './support';

/** A checkout the model sent, with the total its customer confirmed. */
export interface CheckoutAttempt {
  userId: string;
  cartId: string;
  key: string;
  /** The total the customer was shown and confirmed (sent as `expectedTotal`). */
  confirmed: Money;
  /** The order the answer returned as placed by this attempt (a retry names the same one). */
  placedOrderId?: string;
  /** False while unanswered, or when the answer was a top-level error (outcome unknown). */
  answered: boolean;
}

export interface RunScope {
  userIds: string[];
  /** The run's own variants, the stock each was created with and every unit price it was given. */
  variants: Array<{ id: string; initialStock: number; prices: number[] }>;
  attempts: CheckoutAttempt[];
}

interface OrderRow {
  id: string;
  user_id: string;
  cart_id: string;
  status: string;
  subtotal_amount: string | number;
  total_amount: string | number;
  currency_code: string;
}

interface LedgerRow {
  payment_id: string;
  order_id: string;
  type: string | null;
  state: string | null;
  amount: string | number | null;
  currency: string;
}

const money = (amount: string | number, currencyCode: string) =>
  `${Number(amount)} ${currencyCode.trim()}`;

async function ordersOf(database: Database, scope: RunScope): Promise<OrderRow[]> {
  return database.query<OrderRow>(
    `select id, user_id, cart_id, status, subtotal_amount, total_amount, currency_code from "order".orders
      where user_id = any($1::text[]) order by created_at`,
    [scope.userIds],
  );
}

async function ledgerOf(database: Database, orderIds: string[]): Promise<LedgerRow[]> {
  return database.query<LedgerRow>(
    `select p.id as payment_id, p.order_id, t.type, t.state, t.amount, p.currency
       from payment.payments p left join payment.transactions t on t.payment_id = p.id
      where p.order_id = any($1::uuid[]) order by t.created_at`,
    [orderIds],
  );
}

/** Per payment: the sums of its successful ledger rows. */
function paymentSums(ledger: LedgerRow[]) {
  const sums = new Map<
    string,
    { orderId: string; authorized: number; captured: number; refunded: number; voided: number }
  >();
  for (const row of ledger) {
    const sum = sums.get(row.payment_id) ?? {
      orderId: row.order_id,
      authorized: 0,
      captured: 0,
      refunded: 0,
      voided: 0,
    };
    sums.set(row.payment_id, sum);
    if (row.state !== 'SUCCESS' || row.amount === null) continue;
    const amount = Number(row.amount);
    if (row.type === 'AUTHORIZATION') sum.authorized += amount;
    if (row.type === 'CAPTURE') sum.captured += amount;
    if (row.type === 'REFUND') sum.refunded += amount;
    if (row.type === 'VOID') sum.voided += 1;
  }
  return sums;
}

/**
 * Invariants that hold at every instant, whatever is still in flight:
 * - at most one order per cart (orders ≤ carts checked out);
 * - every order was asked for, and its total is the total its customer confirmed;
 * - every order line is priced at a price its variant had, and the lines add up to the subtotal
 *   (a forged confirmed total cannot set the price);
 * - at most one successful authorization per order, equal to the order total;
 * - per payment: captured ≤ authorized, refunded ≤ captured;
 * - stock conserved per variant (see {@link stockViolations}).
 */
export async function moneyViolations(database: Database, scope: RunScope): Promise<string[]> {
  const violations: string[] = [];
  const orders = await ordersOf(database, scope);

  const byCart = new Map<string, OrderRow[]>();
  for (const order of orders)
    byCart.set(order.cart_id, [...(byCart.get(order.cart_id) ?? []), order]);
  for (const [cartId, cartOrders] of byCart) {
    if (cartOrders.length > 1) {
      violations.push(
        `cart ${cartId} became ${cartOrders.length} orders (${cartOrders.map((o) => `${o.id} ${o.status}`).join(', ')})`,
      );
    }
  }

  for (const order of orders) {
    const total = money(order.total_amount, order.currency_code);
    const naming = scope.attempts.filter((a) => a.placedOrderId === order.id);
    const unknown = scope.attempts.filter(
      (a) => !a.answered && a.userId === order.user_id && a.cartId === order.cart_id,
    );
    const confirmedTotals = (naming.length ? naming : unknown).map((a) =>
      money(a.confirmed.amount, a.confirmed.currencyCode),
    );
    if (confirmedTotals.length === 0) {
      violations.push(`order ${order.id} (${total}) was placed by no checkout the customer sent`);
    } else if (
      naming.length ? confirmedTotals.some((c) => c !== total) : !confirmedTotals.includes(total)
    ) {
      violations.push(
        `order ${order.id} totals ${total} but the customer confirmed ${[...new Set(confirmedTotals)].join(' or ')}`,
      );
    }
  }

  violations.push(...(await pricingViolations(database, scope, orders)));

  const totals = new Map(orders.map((o) => [o.id, money(o.total_amount, o.currency_code)]));
  const ledger = await ledgerOf(database, [...totals.keys()]);
  const authorizationsPerOrder = new Map<string, number>();
  for (const row of ledger) {
    if (row.type !== 'AUTHORIZATION' || row.state !== 'SUCCESS') continue;
    authorizationsPerOrder.set(row.order_id, (authorizationsPerOrder.get(row.order_id) ?? 0) + 1);
    const charged = money(row.amount ?? 0, row.currency);
    if (charged !== totals.get(row.order_id)) {
      violations.push(
        `payment ${row.payment_id} authorized ${charged} for order ${row.order_id} of ${totals.get(row.order_id)}`,
      );
    }
  }
  for (const [orderId, count] of authorizationsPerOrder) {
    if (count > 1) violations.push(`order ${orderId} was authorized ${count} times`);
  }
  for (const [paymentId, sum] of paymentSums(ledger)) {
    if (sum.captured > sum.authorized) {
      violations.push(
        `payment ${paymentId} captured ${sum.captured} > authorized ${sum.authorized}`,
      );
    }
    if (sum.refunded > sum.captured) {
      violations.push(`payment ${paymentId} refunded ${sum.refunded} > captured ${sum.captured}`);
    }
  }

  violations.push(...(await stockViolations(database, scope)));
  return violations;
}

async function pricingViolations(
  database: Database,
  scope: RunScope,
  orders: OrderRow[],
): Promise<string[]> {
  const violations: string[] = [];
  const lines = await database.query<{
    order_id: string;
    variant_id: string;
    quantity: number;
    unit_amount: string | number;
  }>(
    `select order_id, variant_id, quantity, unit_amount from "order".order_lines where order_id = any($1::uuid[])`,
    [orders.map((o) => o.id)],
  );
  for (const order of orders) {
    const own = lines.filter((l) => l.order_id === order.id);
    const sum = own.reduce((total, l) => total + Number(l.quantity) * Number(l.unit_amount), 0);
    if (sum !== Number(order.subtotal_amount)) {
      violations.push(
        `order ${order.id}: its lines add up to ${sum} but its subtotal is ${Number(order.subtotal_amount)}`,
      );
    }
    for (const line of own) {
      const prices = scope.variants.find((v) => v.id === line.variant_id)?.prices;
      if (prices && !prices.includes(Number(line.unit_amount))) {
        violations.push(
          `order ${order.id} sells variant ${line.variant_id} at ${Number(line.unit_amount)}, a price it never had (${prices.join(', ')})`,
        );
      }
    }
  }
  return violations;
}

interface StockEventRow {
  position: string | number;
  type: string;
  data: { variantId?: string; quantity?: number; stockOnHand?: number; orderId?: string };
}

/**
 * Stock conservation per variant: available (`stock_on_hand`) + reserved + sold (the RESERVED and
 * COMMITTED reservations) = the initial stock + what the admin set on top of it.
 *
 * An admin sets `stockOnHand` to an absolute number, so "what the admin added" is the change that
 * set made at the moment it ran. That moment is read from the product subgraph's outbox: every
 * change of `stock_on_hand` (reservation, release, admin update) writes an event with the value
 * after it, in the same transaction and under the variant's row lock, so the outbox `position`
 * orders one variant's changes as they happened. Each reservation and release must also move the
 * stock by exactly its quantity.
 */
export async function stockViolations(database: Database, scope: RunScope): Promise<string[]> {
  const violations: string[] = [];
  const ids = scope.variants.map((v) => v.id);
  const available = new Map(
    (
      await database.query<{ id: string; stock_on_hand: number }>(
        `select id, stock_on_hand from product.variants where id = any($1::uuid[])`,
        [ids],
      )
    ).map((r) => [r.id, Number(r.stock_on_hand)]),
  );
  const held = new Map(
    (
      await database.query<{ variant_id: string; units: string }>(
        `select variant_id, sum(quantity) as units from product.stock_reservations
          where variant_id = any($1::uuid[]) and status in ('RESERVED', 'COMMITTED') group by variant_id`,
        [ids],
      )
    ).map((r) => [r.variant_id, Number(r.units)]),
  );
  const events = await database.query<StockEventRow>(
    `select position, type, envelope->'data' as data from product.outbox
      where type in ('stock.reserved', 'stock.reservation_released', 'variant.updated')
        and envelope->'data'->>'variantId' = any($1::text[])
      order by position`,
    [ids],
  );
  for (const variant of scope.variants) {
    let level = variant.initialStock;
    let adminAdded = 0;
    for (const event of events.filter((e) => e.data.variantId === variant.id)) {
      const after = Number(event.data.stockOnHand);
      if (event.type === 'variant.updated') {
        adminAdded += after - level;
      } else {
        const moved =
          event.type === 'stock.reserved'
            ? -Number(event.data.quantity)
            : Number(event.data.quantity);
        if (after !== level + moved) {
          violations.push(
            `variant ${variant.id}: ${event.type} of ${event.data.quantity} for order ${event.data.orderId} moved stock ${level} → ${after}`,
          );
        }
      }
      level = after;
    }
    const now = available.get(variant.id) ?? 0;
    const reservedOrSold = held.get(variant.id) ?? 0;
    if (now !== level) {
      violations.push(
        `variant ${variant.id}: stock is ${now} but its last recorded change left ${level}`,
      );
    }
    if (now + reservedOrSold !== variant.initialStock + adminAdded) {
      violations.push(
        `variant ${variant.id}: available ${now} + reserved/sold ${reservedOrSold} ≠ initial ${variant.initialStock} + admin changes ${adminAdded}`,
      );
    }
  }
  return violations;
}

/**
 * Invariants that hold once every checkout has answered and the events of the run have been
 * handled (the caller polls): no cart is left claimed (CHECKING_OUT) by a checkout that is over;
 * an order's stock is RESERVED while it awaits payment, COMMITTED once authorized or paid and
 * RELEASED once cancelled or expired; a cancelled order keeps no captured money and no open
 * authorization.
 */
export async function settledViolations(database: Database, scope: RunScope): Promise<string[]> {
  const violations: string[] = [];
  const claimed = await database.query<{ id: string; order_id: string | null }>(
    `select id, order_id from cart.carts where user_id::text = any($1::text[]) and status = 'CHECKING_OUT'`,
    [scope.userIds],
  );
  for (const cart of claimed) {
    violations.push(
      `cart ${cart.id} is still CHECKING_OUT for order ${cart.order_id} after every checkout answered`,
    );
  }
  const orders = await ordersOf(database, scope);
  const reservations = await database.query<{ order_id: string; status: string }>(
    `select order_id, status from product.stock_reservations where order_id = any($1::uuid[])`,
    [orders.map((o) => o.id)],
  );
  const expected: Record<string, string> = {
    PENDING_PAYMENT: 'RESERVED',
    PAYMENT_AUTHORIZED: 'COMMITTED',
    PAID: 'COMMITTED',
    CANCELLED: 'RELEASED',
    EXPIRED: 'RELEASED',
  };
  for (const order of orders) {
    const want = expected[order.status];
    const got = reservations.filter((r) => r.order_id === order.id).map((r) => r.status);
    if (want && (got.length === 0 || got.some((status) => status !== want))) {
      violations.push(
        `order ${order.id} is ${order.status} but its stock is ${got.join('/') || 'not reserved'}`,
      );
    }
  }
  const cancelled = orders.filter((o) => o.status === 'CANCELLED').map((o) => o.id);
  for (const [paymentId, sum] of paymentSums(await ledgerOf(database, cancelled))) {
    const open = sum.authorized > 0 && sum.voided === 0 && sum.captured === 0;
    if (sum.captured !== sum.refunded || open) {
      violations.push(
        `payment ${paymentId} of cancelled order ${sum.orderId} keeps money (authorized ${sum.authorized}, captured ${sum.captured}, refunded ${sum.refunded}, voided ${sum.voided > 0})`,
      );
    }
  }
  return violations;
}
