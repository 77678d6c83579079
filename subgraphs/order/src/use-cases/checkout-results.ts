import type { Money } from '../ports';
import type { ShippingAddressInput } from '../validation';

/** What a checkout answers: the order id, or why no order was placed. */

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

export interface CheckoutInput {
  cartId: string;
  shippingAddress: ShippingAddressInput;
  idempotencyKey: string;
  /** The total the customer was shown and confirms. */
  expectedTotal: Money;
}

export const checkoutError = (
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

export const checkoutFailure = (...args: Parameters<typeof checkoutError>): CheckoutResponse => ({
  orderId: null,
  userErrors: [checkoutError(...args)],
});

export const alreadyCheckedOut = (orderId: string | null): CheckoutResponse =>
  checkoutFailure('CART_ALREADY_CHECKED_OUT', 'This cart was already checked out', {
    field: ['cartId'],
    orderId,
  });
