import { randomUUID } from 'node:crypto';
import type { Identity } from '@shop/auth';
import { isUniqueViolation, type Database } from '@shop/db';
import { newEvent, TOPICS, type DomainEvent, type EventData, type NewEvent } from '@shop/events';
import { requestHash, runIdempotent } from '@shop/idempotency';
import { isCurrencyCode, MAX_ORDER_TOTAL_MINOR, MAX_UNIT_PRICE_MINOR } from '@shop/subgraph';
import { ORDER_SCHEMA, type NewOrderLine, type OrderRepo, type Tx } from './repo';
import {
  nextStates,
  transition,
  type Actor,
  type OrderEventType,
  type OrderStatus,
} from './state-machine';
import type { OrderHistoryRow, OrderLineRow, OrderRow, ShippingAddress } from './tables';
import { log } from '@shop/log';

// ---------------------------------------------------------------------------------------------
// Ports to other subgraphs (implemented with service calls in `clients.ts`)

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

// ---------------------------------------------------------------------------------------------
// Results

export type CheckoutErrorCode =
  | 'CART_NOT_FOUND'
  | 'CART_EMPTY'
  | 'OUT_OF_STOCK'
  | 'INVALID_ADDRESS'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'OPERATION_IN_PROGRESS'
  | 'CURRENCY_MISMATCH'
  | 'CART_ALREADY_CHECKED_OUT'
  | 'PRICE_CHANGED'
  | 'AMOUNT_TOO_LARGE'
  | 'INVALID_CURRENCY';

/** One line of the cart at current prices (answered with PRICE_CHANGED). */
export interface BreakdownLine {
  variantId: string;
  quantity: number;
  unitPrice: Money;
  /** The cart's snapshot price of the variant. */
  previousUnitPrice: Money | null;
  lineTotal: Money;
}

export interface CheckoutBreakdown {
  lines: BreakdownLine[];
  total: Money;
}

export interface CheckoutUserError {
  code: CheckoutErrorCode;
  message: string;
  field: string[] | null;
  variantId: string | null;
  requested: number | null;
  available: number | null;
  /** CART_ALREADY_CHECKED_OUT: the order the cart is (being) checked out as. */
  orderId: string | null;
  /** PRICE_CHANGED: the cart at current prices. */
  breakdown: CheckoutBreakdown | null;
}

/** What a checkout stores under its idempotency key and answers (the order is read by id). */
export interface CheckoutResponse {
  orderId: string | null;
  userErrors: CheckoutUserError[];
}

export type OrderErrorCode = 'ORDER_NOT_FOUND' | 'INVALID_TRANSITION' | 'INVALID_INPUT';

export interface OrderFailure {
  ok: false;
  code: OrderErrorCode;
  message: string;
  field?: string[];
}

export type OrderResult = { ok: true; order: OrderRow } | OrderFailure;

export interface ShippingAddressInput {
  fullName: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  countryCode: string;
  phone?: string | null;
}

export interface CheckoutInput {
  cartId: string;
  shippingAddress: ShippingAddressInput;
  idempotencyKey: string;
  /** The total the customer was shown and confirms. */
  expectedTotal: Money;
}

export interface Logger {
  warn(message: string): void;
}

// ---------------------------------------------------------------------------------------------
// Validation

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID_PATTERN.test(value);

/** Stripe's limit: 1–255 characters. */
export const isValidIdempotencyKey = (key: string) => key.length >= 1 && key.length <= 255;

const REASON_MAX = 500;
const SHIPMENT_FIELD_MAX = 100;

type AddressCheck =
  { ok: true; address: ShippingAddress } | { ok: false; field: string; message: string };

/** Trims, turns empty optional fields into null and checks lengths and formats. */
export function validateShippingAddress(input: ShippingAddressInput): AddressCheck {
  const required = (field: keyof ShippingAddressInput, max: number) => {
    const value = typeof input[field] === 'string' ? input[field].trim() : '';
    if (value.length === 0) return { error: `${field} is required` };
    if (value.length > max) return { error: `${field} must be at most ${max} characters` };
    return { value };
  };
  const optional = (field: keyof ShippingAddressInput, max: number) => {
    const value = typeof input[field] === 'string' ? input[field].trim() : '';
    if (value.length > max) return { error: `${field} must be at most ${max} characters` };
    return { value: value.length === 0 ? null : value };
  };
  const checks = {
    fullName: required('fullName', 100),
    line1: required('line1', 200),
    line2: optional('line2', 200),
    city: required('city', 100),
    region: optional('region', 100),
    postalCode: required('postalCode', 20),
    countryCode: required('countryCode', 2),
    phone: optional('phone', 30),
  };
  for (const [field, check] of Object.entries(checks)) {
    if ('error' in check) return { ok: false, field, message: check.error! };
  }
  const value = <T>(check: { value?: T }) => check.value as T;
  const address: ShippingAddress = {
    fullName: value<string>(checks.fullName),
    line1: value<string>(checks.line1),
    line2: value<string | null>(checks.line2),
    city: value<string>(checks.city),
    region: value<string | null>(checks.region),
    postalCode: value<string>(checks.postalCode),
    countryCode: value<string>(checks.countryCode),
    phone: value<string | null>(checks.phone),
  };
  if (!/^[A-Z]{2}$/.test(address.countryCode)) {
    return {
      ok: false,
      field: 'countryCode',
      message: 'countryCode must be two upper-case letters (ISO 3166-1 alpha-2)',
    };
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9 -]*$/.test(address.postalCode)) {
    return { ok: false, field: 'postalCode', message: 'postalCode has invalid characters' };
  }
  if (address.phone !== null && !/^\+?[0-9][0-9 ()./-]{3,29}$/.test(address.phone)) {
    return { ok: false, field: 'phone', message: 'phone must be a phone number' };
  }
  return { ok: true, address };
}

const checkoutError = (
  code: CheckoutErrorCode,
  message: string,
  extra: Partial<Omit<CheckoutUserError, 'code' | 'message'>> = {},
): CheckoutUserError => ({
  code,
  message,
  field: null,
  variantId: null,
  requested: null,
  available: null,
  orderId: null,
  breakdown: null,
  ...extra,
});

const checkoutFailure = (...args: Parameters<typeof checkoutError>): CheckoutResponse => ({
  orderId: null,
  userErrors: [checkoutError(...args)],
});

const orderFailure = (code: OrderErrorCode, message: string, field?: string[]): OrderFailure => ({
  ok: false,
  code,
  message,
  ...(field ? { field } : {}),
});

const NOT_FOUND = orderFailure('ORDER_NOT_FOUND', 'Order not found', ['orderId']);

/** How long a checkout waits for a concurrent checkout of the same cart to settle, and how often it looks. */
const CLAIM_WAIT_MS = 3_000;
const CLAIM_POLL_MS = 50;

const alreadyCheckedOut = (orderId: string | null): CheckoutResponse =>
  checkoutFailure('CART_ALREADY_CHECKED_OUT', 'This cart was already checked out', {
    field: ['cartId'],
    orderId,
  });

const STOCK_MESSAGES: Record<string, string> = {
  OUT_OF_STOCK: 'Not enough stock for this item',
  VARIANT_NOT_FOUND: 'This item no longer exists',
  PRODUCT_UNAVAILABLE: 'This item is no longer available',
};

// ---------------------------------------------------------------------------------------------
// Events

interface EventMeta {
  actor: Actor;
  reason: string | null;
  causationId?: string | undefined;
  correlationId?: string | undefined;
  idempotencyKey?: string | undefined;
  shipment?: { carrier: string; trackingNumber: string } | undefined;
}

function orderEvent<TType extends 'order.created' | TransitionEventType>(
  type: TType,
  order: { id: string; version: number },
  data: EventData<TType>,
  meta: Omit<EventMeta, 'reason'>,
): NewEvent {
  return newEvent({
    type,
    source: 'order',
    topic: TOPICS.order,
    subject: order.id,
    sequence: order.version,
    data,
    actor: {
      ...(meta.actor.userId ? { userId: meta.actor.userId } : {}),
      role: meta.actor.kind,
    },
    ...(meta.causationId ? { causationId: meta.causationId } : {}),
    ...(meta.correlationId ? { correlationId: meta.correlationId } : {}),
    ...(meta.idempotencyKey ? { idempotencyKey: meta.idempotencyKey } : {}),
  });
}

/** The events a status change writes. */
type TransitionEventType = 'order.status_changed' | OrderEventType;

function transitionEventData(
  type: TransitionEventType,
  order: OrderRow,
  change: { from: OrderStatus; to: OrderStatus },
  meta: EventMeta,
): EventData<TransitionEventType> {
  const base = { orderId: order.id, userId: order.userId };
  switch (type) {
    case 'order.status_changed':
      return { ...base, from: change.from, to: change.to, reason: meta.reason };
    case 'order.cancelled':
    case 'order.expired':
      return { ...base, reason: meta.reason };
    case 'order.shipped':
      return {
        ...base,
        carrier: meta.shipment?.carrier ?? null,
        trackingNumber: meta.shipment?.trackingNumber ?? null,
      };
    default:
      return base;
  }
}

const SYSTEM: Actor = { kind: 'SYSTEM' };

function actorOf(identity: Identity): Actor {
  if (identity.roles.includes('ADMIN')) return { kind: 'ADMIN', userId: identity.userId };
  if (identity.roles.includes('SERVICE')) return { kind: 'SYSTEM', userId: identity.userId };
  return { kind: 'CUSTOMER', userId: identity.userId };
}

/** True when `identity` may read `order`: its owner, an admin, or another subgraph. */
export function canSeeOrder(identity: Identity | null, order: { userId: string }): boolean {
  if (!identity) return false;
  return (
    order.userId === identity.userId ||
    identity.roles.includes('ADMIN') ||
    identity.roles.includes('SERVICE')
  );
}

// ---------------------------------------------------------------------------------------------
// The service

export interface OrderServiceOptions {
  database: Database;
  repo: OrderRepo;
  cart: CartPort;
  stock: StockPort;
  /** How long an order may wait for payment before it expires. */
  paymentTtlSeconds: number;
  logger?: Logger;
}

/** Checkout, reads, status changes and the reactions to payment events. */
export function createOrderService(options: OrderServiceOptions) {
  const { database, repo, cart, stock, paymentTtlSeconds } = options;
  const logger = options.logger ?? log;

  const releaseQuietly = async (orderId: string) => {
    try {
      await stock.release(orderId);
    } catch (error) {
      logger.warn(
        `[order] could not release stock of ${orderId} (product expires it): ${String(error)}`,
      );
    }
  };

  /**
   * Applies `row → to` for `actor` inside `tx` (the row must be locked by the caller): history,
   * version bump and events in the same transaction. Same-state is a no-op.
   */
  async function applyChange(
    tx: Tx,
    row: OrderRow,
    to: OrderStatus,
    meta: EventMeta,
  ): Promise<{ ok: true; order: OrderRow; applied: boolean } | OrderFailure> {
    const decision = transition(row, to, meta.actor);
    if (!decision.ok) return orderFailure('INVALID_TRANSITION', decision.message);
    if (decision.noop) return { ok: true, order: row, applied: false };
    const after = { id: row.id, version: decision.version };
    const events = decision.events.map((type) =>
      orderEvent(type, after, transitionEventData(type, row, decision, meta), meta),
    );
    const updated = await repo.applyTransition(tx, {
      orderId: row.id,
      fromVersion: row.version,
      to,
      history: {
        from: decision.from,
        to,
        reason: meta.reason,
        actorRole: meta.actor.kind,
        actorId: meta.actor.userId ?? null,
      },
      events,
      shipment: to === 'SHIPPED' ? meta.shipment : undefined,
    });
    // The row is locked, so the version cannot have moved; if it did, roll back and retry.
    if (!updated) throw new Error(`order ${row.id} changed concurrently`);
    return { ok: true, order: updated, applied: true };
  }

  /** A status change requested through the API by `identity`. */
  async function changeByUser(
    identity: Identity,
    orderId: string,
    to: OrderStatus,
    meta: Omit<EventMeta, 'actor'>,
  ): Promise<OrderResult> {
    if (!isUuid(orderId)) return NOT_FOUND;
    return repo.transaction(async (tx) => {
      const row = await repo.lockOrder(tx, orderId);
      if (!row || !canSeeOrder(identity, row)) return NOT_FOUND;
      const result = await applyChange(tx, row, to, { ...meta, actor: actorOf(identity) });
      return result.ok ? { ok: true, order: result.order } : result;
    });
  }

  type PlaceInput = {
    cartId: string;
    address: ShippingAddress;
    idempotencyKey: string;
    expectedTotal: Money;
  };

  /**
   * Places one order from a cart, at most once per cart whatever the idempotency keys: the cart
   * is first claimed for the new order id (atomically, in the cart subgraph), so a concurrent or
   * later checkout of the same cart is answered CART_ALREADY_CHECKED_OUT with that order id.
   * Every refusal after the claim (stock, price change, bounds, an error) gives the claim back,
   * so the customer can retry; the stock is released on every path that does not create the
   * order. The unique `orders.cart_id` index is the backstop when a claim was taken over.
   */
  async function placeOrder(userId: string, input: PlaceInput): Promise<CheckoutResponse> {
    const orderId = randomUUID();
    const claim = await claimWhenSettled(input.cartId, userId, orderId);
    const notFound = checkoutFailure('CART_NOT_FOUND', 'Cart not found', { field: ['cartId'] });
    if (!claim) return notFound;
    if (!claim.claimed) return alreadyCheckedOut(claim.orderId);
    if (claim.cart.userId !== userId) {
      await releaseClaimQuietly(claim.cart.id, orderId);
      return notFound;
    }
    let response: CheckoutResponse;
    try {
      response = await placeClaimedOrder(userId, orderId, claim.cart, input);
    } catch (error) {
      await releaseClaimQuietly(claim.cart.id, orderId);
      throw error;
    }
    const keepClaim =
      response.orderId !== null || response.userErrors[0]?.code === 'CART_ALREADY_CHECKED_OUT';
    if (!keepClaim) await releaseClaimQuietly(claim.cart.id, orderId);
    return response;
  }

  /**
   * Claims the cart for `orderId`. While another checkout holds the claim and its order does not
   * exist yet, waits for that checkout to settle (up to {@link CLAIM_WAIT_MS}): if it fails, its
   * claim is released and this checkout takes the cart; if it places its order, the answer names
   * an order that exists. Only a checkout still running after the wait is named before its order.
   */
  async function claimWhenSettled(
    cartId: string,
    userId: string,
    orderId: string,
  ): Promise<CartClaim | null> {
    const deadline = Date.now() + CLAIM_WAIT_MS;
    for (;;) {
      let claim: CartClaim | null;
      try {
        claim = await cart.claim(cartId, userId, orderId);
      } catch (error) {
        // The claim may have been taken before the call failed: give it back (a no-op otherwise).
        await releaseClaimQuietly(cartId, orderId);
        throw error;
      }
      if (!claim || claim.claimed || !isUuid(claim.orderId)) return claim;
      if (Date.now() >= deadline || (await repo.findOrder(claim.orderId))) return claim;
      await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
    }
  }

  const releaseClaimQuietly = async (cartId: string, orderId: string) => {
    try {
      await cart.release(cartId, orderId);
    } catch (error) {
      logger.warn(
        `[order] could not release the claim of ${orderId} on cart ${cartId} (it lapses after the claim TTL): ${String(error)}`,
      );
    }
  };

  /** The checkout of a cart this checkout has claimed for `orderId`. */
  async function placeClaimedOrder(
    userId: string,
    orderId: string,
    found: CheckoutCart,
    input: PlaceInput,
  ): Promise<CheckoutResponse> {
    // A claim taken over after its TTL: the old checkout may have placed its order already.
    const existing = await repo.findOrderIdForCart(found.id);
    if (existing) return alreadyCheckedOut(existing);
    if (found.lines.length === 0) {
      return checkoutFailure('CART_EMPTY', 'The cart has no items', { field: ['cartId'] });
    }
    if (found.lines.some((line) => line.unitPrice.currencyCode !== found.currencyCode)) {
      return checkoutFailure('CURRENCY_MISMATCH', 'The cart mixes currencies', {
        field: ['cartId'],
      });
    }
    const quantities = new Map<string, number>();
    const snapshotPrices = new Map<string, Money>();
    for (const line of found.lines) {
      quantities.set(line.variantId, (quantities.get(line.variantId) ?? 0) + line.quantity);
      if (!snapshotPrices.has(line.variantId)) snapshotPrices.set(line.variantId, line.unitPrice);
    }
    const requested = [...quantities].map(([variantId, quantity]) => ({ variantId, quantity }));

    let reservation: Reservation;
    try {
      reservation = await stock.reserve({ orderId, lines: requested });
    } catch (error) {
      // The reservation may have happened before the call failed.
      await releaseQuietly(orderId);
      throw error;
    }
    if (!reservation.ok) {
      return {
        orderId: null,
        userErrors: reservation.failures.map((failure) =>
          checkoutError(
            'OUT_OF_STOCK',
            STOCK_MESSAGES[failure.code] ?? `Cannot reserve this item (${failure.code})`,
            {
              field: ['cartId'],
              variantId: failure.variantId,
              requested: failure.requested ?? quantities.get(failure.variantId) ?? null,
              available: failure.available,
            },
          ),
        ),
      };
    }

    const reserved = reservation.lines;
    const complete =
      reserved.length === requested.length &&
      requested.every((line) =>
        reserved.some((r) => r.variantId === line.variantId && r.quantity === line.quantity),
      );
    if (!complete) {
      await releaseQuietly(orderId);
      throw new Error('product answered a reservation that does not match the request');
    }
    const currencyCode = reserved[0]!.unitPrice.currencyCode;
    if (reserved.some((line) => line.unitPrice.currencyCode !== currencyCode)) {
      await releaseQuietly(orderId);
      return checkoutFailure(
        'CURRENCY_MISMATCH',
        'The items are no longer priced in one currency',
        {
          field: ['cartId'],
        },
      );
    }
    // Bounds before any arithmetic is trusted: every unit price and the running total stay
    // within the documented maxima, so every sum below is an exact safe integer.
    let subtotal = 0;
    for (const line of reserved) {
      const lineTotal = line.quantity * line.unitPrice.amount;
      if (line.unitPrice.amount > MAX_UNIT_PRICE_MINOR) {
        await releaseQuietly(orderId);
        return checkoutFailure(
          'AMOUNT_TOO_LARGE',
          'An item is priced above the largest unit price',
          {
            field: ['cartId'],
            variantId: line.variantId,
          },
        );
      }
      subtotal += lineTotal;
      if (subtotal > MAX_ORDER_TOTAL_MINOR) {
        await releaseQuietly(orderId);
        return checkoutFailure(
          'AMOUNT_TOO_LARGE',
          `The order total would exceed ${MAX_ORDER_TOTAL_MINOR} minor units`,
          { field: ['cartId'] },
        );
      }
    }
    const shipping = 0;
    const total: Money = { amount: subtotal + shipping, currencyCode };
    // The customer confirms what is charged: any difference (a price, the currency) refuses.
    if (
      total.amount !== input.expectedTotal.amount ||
      total.currencyCode !== input.expectedTotal.currencyCode
    ) {
      await releaseQuietly(orderId);
      return checkoutFailure(
        'PRICE_CHANGED',
        `The total is now ${total.amount} ${total.currencyCode}, not the ${input.expectedTotal.amount} ${input.expectedTotal.currencyCode} confirmed; confirm the new total to order`,
        {
          field: ['expectedTotal'],
          breakdown: {
            lines: requested.map(({ variantId, quantity }) => {
              const line = reserved.find((r) => r.variantId === variantId)!;
              return {
                variantId,
                quantity,
                unitPrice: line.unitPrice,
                previousUnitPrice: snapshotPrices.get(variantId) ?? null,
                lineTotal: { amount: quantity * line.unitPrice.amount, currencyCode },
              };
            }),
            total,
          },
        },
      );
    }

    const lines: NewOrderLine[] = reserved.map((line) => ({
      variantId: line.variantId,
      productId: line.productId,
      sku: line.sku,
      productName: line.productName,
      variantName: line.variantName,
      quantity: line.quantity,
      unitAmount: line.unitPrice.amount,
      currencyCode: line.unitPrice.currencyCode,
    }));
    const actor: Actor = { kind: 'CUSTOMER', userId };
    try {
      await repo.insertOrder(
        {
          id: orderId,
          userId,
          cartId: found.id,
          status: 'PENDING_PAYMENT',
          currencyCode,
          subtotalAmount: subtotal,
          shippingAmount: shipping,
          totalAmount: total.amount,
          shippingAddress: input.address,
          expiresAt: new Date(Date.now() + paymentTtlSeconds * 1000),
        },
        lines,
        {
          from: null,
          to: 'PENDING_PAYMENT',
          reason: 'checkout',
          actorRole: 'CUSTOMER',
          actorId: userId,
        },
        (row) => [
          orderEvent(
            'order.created',
            row,
            {
              orderId: row.id,
              number: row.number,
              userId,
              cartId: row.cartId,
              cartVersion: found.version,
              status: row.status,
              total: { amountMinor: row.totalAmount, currency: row.currencyCode },
              lines: lines.map((line) => ({
                variantId: line.variantId,
                productId: line.productId,
                sku: line.sku,
                productName: line.productName,
                quantity: line.quantity,
                unitPrice: { amountMinor: line.unitAmount, currency: line.currencyCode },
              })),
            },
            { actor, idempotencyKey: input.idempotencyKey },
          ),
        ],
      );
    } catch (error) {
      await releaseQuietly(orderId);
      // The backstop: another checkout placed the cart's order (a taken-over claim).
      const winner = isUniqueViolation(error) ? await repo.findOrderIdForCart(found.id) : undefined;
      if (winner) return alreadyCheckedOut(winner);
      throw error;
    }
    return { orderId, userErrors: [] };
  }

  return {
    /**
     * Places an order from the caller's cart, at most once per idempotency key and at most once
     * per cart: validates the address and the confirmed total's currency, claims the cart,
     * reserves stock, checks the total at current prices against `expectedTotal`, then writes
     * the order, its lines, history and `order.created` in one transaction (see `placeOrder`).
     */
    async checkout(userId: string, input: CheckoutInput): Promise<CheckoutResponse> {
      const checked = validateShippingAddress(input.shippingAddress);
      if (!checked.ok) {
        return checkoutFailure('INVALID_ADDRESS', checked.message, {
          field: ['shippingAddress', checked.field],
        });
      }
      if (!isCurrencyCode(input.expectedTotal.currencyCode)) {
        return checkoutFailure(
          'INVALID_CURRENCY',
          'expectedTotal.currencyCode must be an active ISO 4217 code such as USD',
          { field: ['expectedTotal', 'currencyCode'] },
        );
      }
      const expectedTotal = {
        amount: input.expectedTotal.amount,
        currencyCode: input.expectedTotal.currencyCode,
      };
      const outcome = await runIdempotent<CheckoutResponse>(
        {
          database,
          schema: ORDER_SCHEMA,
          scope: userId,
          key: input.idempotencyKey,
          hash: requestHash({
            cartId: input.cartId,
            shippingAddress: checked.address,
            expectedTotal,
          }),
        },
        () =>
          placeOrder(userId, {
            cartId: input.cartId,
            address: checked.address,
            idempotencyKey: input.idempotencyKey,
            expectedTotal,
          }),
      );
      if (outcome.ok) return outcome.response;
      return checkoutFailure(outcome.code, outcome.message, { field: ['idempotencyKey'] });
    },

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

    /** Statuses the caller could move the order to now. */
    nextStatesFor(identity: Identity | null, order: OrderRow): OrderStatus[] {
      if (!identity || !canSeeOrder(identity, order)) return [];
      return nextStates(order, actorOf(identity));
    },

    cancel(identity: Identity, input: { orderId: string; reason?: string | null }) {
      const reason = input.reason?.trim() || null;
      if (reason && reason.length > REASON_MAX) {
        return Promise.resolve(
          orderFailure('INVALID_INPUT', `reason must be at most ${REASON_MAX} characters`, [
            'reason',
          ]),
        );
      }
      const by = identity.roles.includes('ADMIN') ? 'admin' : 'customer';
      return changeByUser(identity, input.orderId, 'CANCELLED', {
        reason: reason ?? `cancelled by ${by}`,
      });
    },

    ship(
      identity: Identity,
      input: { orderId: string; carrier: string; trackingNumber: string },
    ): Promise<OrderResult> {
      const carrier = input.carrier.trim();
      const trackingNumber = input.trackingNumber.trim();
      for (const [field, value] of [
        ['carrier', carrier],
        ['trackingNumber', trackingNumber],
      ] as const) {
        if (value.length === 0 || value.length > SHIPMENT_FIELD_MAX) {
          return Promise.resolve(
            orderFailure('INVALID_INPUT', `${field} must be 1–${SHIPMENT_FIELD_MAX} characters`, [
              field,
            ]),
          );
        }
      }
      return changeByUser(identity, input.orderId, 'SHIPPED', {
        reason: 'shipped',
        shipment: { carrier, trackingNumber },
      });
    },

    markDelivered: (identity: Identity, orderId: string) =>
      changeByUser(identity, orderId, 'DELIVERED', { reason: 'delivered' }),

    complete: (identity: Identity, orderId: string) =>
      changeByUser(identity, orderId, 'COMPLETED', { reason: 'completed' }),

    /**
     * Reacts to a payment event inside the consumer's transaction. Anything that does not apply
     * (unknown order, not allowed from the current status, amount short) is logged and ignored.
     */
    async handlePaymentEvent(envelope: DomainEvent, tx: Tx): Promise<void> {
      const plan: Partial<Record<string, { to: OrderStatus; reason: string }>> = {
        'payment.authorized': { to: 'PAYMENT_AUTHORIZED', reason: 'payment authorized' },
        'payment.captured': { to: 'PAID', reason: 'payment captured' },
        'payment.declined': { to: 'CANCELLED', reason: 'payment declined' },
      };
      const step = plan[envelope.type];
      if (!step || envelope.topic !== TOPICS.payment) return;
      const { data } = envelope;
      const ignore = (why: string) =>
        logger.warn(`[order] ignoring ${envelope.type} ${envelope.id}: ${why}`);
      if (!isUuid(data.orderId)) return ignore('no valid orderId');
      const row = await repo.lockOrder(tx, data.orderId);
      if (!row) return ignore(`order ${data.orderId} not found`);
      if (
        envelope.type === 'payment.captured' &&
        row.status !== 'PENDING_PAYMENT' &&
        row.status !== 'PAYMENT_AUTHORIZED'
      ) {
        return; // already paid or further along (e.g. captured on shipment)
      }
      if (envelope.type !== 'payment.declined') {
        const amount = data.amount;
        if (amount.currency !== row.currencyCode || amount.amountMinor < row.totalAmount) {
          return ignore(
            `amount ${String(amount.amountMinor)} ${String(amount.currency)} does not cover ${row.totalAmount} ${row.currencyCode}`,
          );
        }
      }
      const result = await applyChange(tx, row, step.to, {
        actor: SYSTEM,
        reason: step.reason,
        causationId: envelope.id,
        correlationId: envelope.correlationId,
      });
      if (!result.ok) ignore(`${result.message} (order ${row.id})`);
    },

    /** Moves PENDING_PAYMENT orders past their payment window to EXPIRED; returns how many. */
    async expireOverdueOrders(): Promise<number> {
      const batch = 100;
      let expired = 0;
      for (;;) {
        const ids = await repo.overdueOrderIds(batch);
        let appliedInBatch = 0;
        for (const id of ids) {
          const applied = await repo.transaction(async (tx) => {
            const row = await repo.lockOrder(tx, id);
            if (!row || row.status !== 'PENDING_PAYMENT') return false;
            const result = await applyChange(tx, row, 'EXPIRED', {
              actor: SYSTEM,
              reason: 'payment window elapsed',
            });
            return result.ok && result.applied;
          });
          if (applied) appliedInBatch += 1;
        }
        expired += appliedInBatch;
        if (ids.length < batch || appliedInBatch === 0) return expired;
      }
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;

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
