import { MAX_ORDER_TOTAL_MINOR, MAX_UNIT_PRICE_MINOR } from '@shop/subgraph';
import type { CheckoutCart, Money, ReservedLine, StockFailure } from '../ports';
import { checkoutError, checkoutFailure, type CheckoutResponse } from './checkout-results';

/** The checkout's stock and price checks (pure): what to reserve, what it costs, the refusals. */

/** What a checkout asks product to reserve. */
export interface StockRequest {
  /** One line per variant, quantities of the cart's lines added up. */
  lines: Array<{ variantId: string; quantity: number }>;
  quantities: Map<string, number>;
  /** The cart's snapshot price of each variant (its first line's). */
  snapshotPrices: Map<string, Money>;
}

/** The order's amounts at the reserved (current) prices, as confirmed by the customer. */
export interface OrderAmounts {
  currencyCode: string;
  subtotal: number;
  shipping: number;
  total: Money;
}

const STOCK_MESSAGES: Record<string, string> = {
  OUT_OF_STOCK: 'Not enough stock for this item',
  VARIANT_NOT_FOUND: 'This item no longer exists',
  PRODUCT_UNAVAILABLE: 'This item is no longer available',
};

export function stockRequestOf(found: CheckoutCart): StockRequest {
  const quantities = new Map<string, number>();
  const snapshotPrices = new Map<string, Money>();
  for (const line of found.lines) {
    quantities.set(line.variantId, (quantities.get(line.variantId) ?? 0) + line.quantity);
    if (!snapshotPrices.has(line.variantId)) snapshotPrices.set(line.variantId, line.unitPrice);
  }
  const lines = [...quantities].map(([variantId, quantity]) => ({ variantId, quantity }));
  return { lines, quantities, snapshotPrices };
}

/** The answer to a refused reservation: one OUT_OF_STOCK error per line product refused. */
export function stockRefusal(failures: StockFailure[], request: StockRequest): CheckoutResponse {
  return {
    orderId: null,
    userErrors: failures.map((failure) =>
      checkoutError(
        'OUT_OF_STOCK',
        STOCK_MESSAGES[failure.code] ?? `Cannot reserve this item (${failure.code})`,
        {
          field: ['cartId'],
          variantId: failure.variantId,
          requested: failure.requested ?? request.quantities.get(failure.variantId) ?? null,
          available: failure.available,
        },
      ),
    ),
  };
}

/** True when product reserved exactly the requested lines. */
export function reservationMatches(request: StockRequest, reserved: ReservedLine[]): boolean {
  return (
    reserved.length === request.lines.length &&
    request.lines.every((line) =>
      reserved.some((r) => r.variantId === line.variantId && r.quantity === line.quantity),
    )
  );
}

/**
 * The order's amounts at the reserved prices, or the refusal: the lines are no longer in one
 * currency, an amount is out of bounds, or the total is not the one the customer confirmed.
 */
export function priceOrder(
  request: StockRequest,
  reserved: ReservedLine[],
  expectedTotal: Money,
): ({ ok: true } & OrderAmounts) | { ok: false; response: CheckoutResponse } {
  const sum = subtotalOf(reserved);
  if (!sum.ok) return { ok: false, response: sum.response };
  const { currencyCode, subtotal } = sum;
  const shipping = 0;
  const total: Money = { amount: subtotal + shipping, currencyCode };
  // The customer confirms what is charged: any difference (a price, the currency) refuses.
  if (total.amount !== expectedTotal.amount || total.currencyCode !== expectedTotal.currencyCode) {
    return { ok: false, response: priceChanged(request, reserved, total, expectedTotal) };
  }
  return { ok: true, currencyCode, subtotal, shipping, total };
}

/** The sum of the reserved lines, in their one currency and within the documented maxima. */
function subtotalOf(
  reserved: ReservedLine[],
):
  { ok: true; currencyCode: string; subtotal: number } | { ok: false; response: CheckoutResponse } {
  const currencyCode = reserved[0]!.unitPrice.currencyCode;
  if (reserved.some((line) => line.unitPrice.currencyCode !== currencyCode)) {
    return {
      ok: false,
      response: checkoutFailure(
        'CURRENCY_MISMATCH',
        'The items are no longer priced in one currency',
        { field: ['cartId'] },
      ),
    };
  }
  // Bounds before any arithmetic is trusted: every unit price and the running total stay
  // within the documented maxima, so every sum below is an exact safe integer.
  let subtotal = 0;
  for (const line of reserved) {
    const lineTotal = line.quantity * line.unitPrice.amount;
    if (line.unitPrice.amount > MAX_UNIT_PRICE_MINOR) {
      return {
        ok: false,
        response: checkoutFailure(
          'AMOUNT_TOO_LARGE',
          'An item is priced above the largest unit price',
          {
            field: ['cartId'],
            variantId: line.variantId,
          },
        ),
      };
    }
    subtotal += lineTotal;
    if (subtotal > MAX_ORDER_TOTAL_MINOR) {
      return {
        ok: false,
        response: checkoutFailure(
          'AMOUNT_TOO_LARGE',
          `The order total would exceed ${MAX_ORDER_TOTAL_MINOR} minor units`,
          { field: ['cartId'] },
        ),
      };
    }
  }
  return { ok: true, currencyCode, subtotal };
}

/** PRICE_CHANGED with the cart at current prices, to confirm again. */
function priceChanged(
  request: StockRequest,
  reserved: ReservedLine[],
  total: Money,
  expectedTotal: Money,
): CheckoutResponse {
  const { currencyCode } = total;
  return checkoutFailure(
    'PRICE_CHANGED',
    `The total is now ${total.amount} ${total.currencyCode}, not the ${expectedTotal.amount} ${expectedTotal.currencyCode} confirmed; confirm the new total to order`,
    {
      field: ['expectedTotal'],
      breakdown: {
        lines: request.lines.map(({ variantId, quantity }) => {
          const line = reserved.find((r) => r.variantId === variantId)!;
          return {
            variantId,
            quantity,
            unitPrice: line.unitPrice,
            previousUnitPrice: request.snapshotPrices.get(variantId) ?? null,
            lineTotal: { amount: quantity * line.unitPrice.amount, currencyCode },
          };
        }),
        total,
      },
    },
  );
}
