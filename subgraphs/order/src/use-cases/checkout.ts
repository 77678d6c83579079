import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '@shop/db';
import { requestHash } from '@shop/idempotency';
import { isCurrencyCode } from '@shop/subgraph';
import type {
  CartClaim,
  CheckoutCart,
  Money,
  OrderPorts,
  Reservation,
  ReservedLine,
} from '../ports';
import type { ShippingAddress } from '../tables';
import { isUuid, validateShippingAddress } from '../validation';
import {
  priceOrder,
  reservationMatches,
  stockRefusal,
  stockRequestOf,
  type OrderAmounts,
  type StockRequest,
} from './checkout-pricing';
import {
  alreadyCheckedOut,
  checkoutFailure,
  type CheckoutInput,
  type CheckoutResponse,
} from './checkout-results';
import { newOrderRecord, type Placement } from './new-order';

/** How long a checkout waits for a concurrent checkout of the same cart to settle, and how often it looks. */
const CLAIM_WAIT_MS = 3_000;
const CLAIM_POLL_MS = 50;

type PlaceInput = {
  cartId: string;
  address: ShippingAddress;
  idempotencyKey: string;
  expectedTotal: Money;
};

/** Placing an order from a cart: claim the cart, reserve the stock, confirm the total, write. */
export function createCheckout(
  ports: Pick<OrderPorts, 'repo' | 'cart' | 'stock' | 'idempotency' | 'logger'>,
  { paymentTtlSeconds }: { paymentTtlSeconds: number },
) {
  const { repo, cart, stock, idempotency, logger } = ports;

  const releaseQuietly = async (orderId: string) => {
    try {
      await stock.release(orderId);
    } catch (error) {
      logger.warn(
        `[order] could not release stock of ${orderId} (product expires it): ${String(error)}`,
      );
    }
  };

  const releaseClaimQuietly = async (cartId: string, orderId: string) => {
    try {
      await cart.release(cartId, orderId);
    } catch (error) {
      logger.warn(
        `[order] could not release the claim of ${orderId} on cart ${cartId} (it lapses after the claim TTL): ${String(error)}`,
      );
    }
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
      response = await placeClaimedOrder(
        {
          userId,
          orderId,
          found: claim.cart,
          address: input.address,
          idempotencyKey: input.idempotencyKey,
        },
        input.expectedTotal,
      );
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

  /** The checkout of a cart this checkout has claimed for `placement.orderId`. */
  async function placeClaimedOrder(
    placement: Placement,
    expectedTotal: Money,
  ): Promise<CheckoutResponse> {
    const refusal = await checkClaimedCart(placement.found);
    if (refusal) return refusal;
    const request = stockRequestOf(placement.found);
    const reservation = await reserveStock(placement.orderId, request);
    if (!reservation.ok) return reservation.response;
    const reserved = reservation.lines;
    if (!reservationMatches(request, reserved)) {
      await releaseQuietly(placement.orderId);
      throw new Error('product answered a reservation that does not match the request');
    }
    const priced = priceOrder(request, reserved, expectedTotal);
    if (!priced.ok) {
      await releaseQuietly(placement.orderId);
      return priced.response;
    }
    return writeOrder(placement, reserved, priced);
  }

  /** Refuses a claimed cart already ordered (a claim taken over), empty, or in two currencies. */
  async function checkClaimedCart(found: CheckoutCart): Promise<CheckoutResponse | undefined> {
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
    return undefined;
  }

  /** Reserves the stock for `orderId`: the reserved lines, or the refusal per line. */
  async function reserveStock(
    orderId: string,
    request: StockRequest,
  ): Promise<{ ok: true; lines: ReservedLine[] } | { ok: false; response: CheckoutResponse }> {
    let reservation: Reservation;
    try {
      reservation = await stock.reserve({ orderId, lines: request.lines });
    } catch (error) {
      // The reservation may have happened before the call failed.
      await releaseQuietly(orderId);
      throw error;
    }
    if (!reservation.ok) {
      return { ok: false, response: stockRefusal(reservation.failures, request) };
    }
    return reservation;
  }

  /**
   * Writes the order, its lines, history and `order.created` in one transaction; if that fails
   * the stock is released, and a cart ordered meanwhile (the unique `orders.cart_id` backstop)
   * is answered CART_ALREADY_CHECKED_OUT.
   */
  async function writeOrder(
    placement: Placement,
    reserved: ReservedLine[],
    amounts: OrderAmounts,
  ): Promise<CheckoutResponse> {
    const record = newOrderRecord(placement, reserved, amounts, paymentTtlSeconds);
    try {
      await repo.insertOrder(record.order, record.lines, record.history, record.eventsOf);
    } catch (error) {
      await releaseQuietly(placement.orderId);
      // The backstop: another checkout placed the cart's order (a taken-over claim).
      const found = placement.found;
      const winner = isUniqueViolation(error) ? await repo.findOrderIdForCart(found.id) : undefined;
      if (winner) return alreadyCheckedOut(winner);
      throw error;
    }
    return { orderId: placement.orderId, userErrors: [] };
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
      const outcome = await idempotency.run(
        {
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
  };
}
