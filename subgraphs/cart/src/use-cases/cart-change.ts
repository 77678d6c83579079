import { isUniqueViolation } from '@shop/db';
import type { CartPorts, CartQueries, VariantInfo } from '../ports';
import type { CartSnapshot } from '../repo';

/**
 * What every cart change shares: who asks, the limits, the answer (the cart after the change or
 * an expected failure) and how the change commits.
 */

export type CartErrorCode =
  | 'VARIANT_NOT_FOUND'
  | 'PRODUCT_UNAVAILABLE'
  | 'INVALID_QUANTITY'
  | 'INVALID_CART_TOKEN'
  | 'CART_NOT_FOUND'
  | 'CART_NOT_ACTIVE'
  | 'CURRENCY_MISMATCH'
  | 'VERSION_CONFLICT'
  | 'OUT_OF_STOCK';

/** An expected failure, shown to the client as a `CartUserError`. */
export interface CartFailure {
  ok: false;
  code: CartErrorCode;
  message: string;
  field?: string[];
}

/** A successful mutation: the cart after the change and the variants fetched for it. */
export type CartResult =
  { ok: true; cart: CartSnapshot; variants?: Map<string, VariantInfo | null> } | CartFailure;

/** Who is calling: a signed-in user or an anonymous shopper (null). */
export type Caller = { userId: string } | null;

export const MAX_LINE_QUANTITY = 99;
export const MAX_LINES = 100;

export const fail = (code: CartErrorCode, message: string, field?: string[]): CartFailure => ({
  ok: false,
  code,
  message,
  ...(field ? { field } : {}),
});

/** VERSION_CONFLICT when the client expected another version than `current`. */
export const checkVersion = (current: number, expected: number | null | undefined) =>
  expected !== null && expected !== undefined && expected !== current
    ? fail(
        'VERSION_CONFLICT',
        `The cart is at version ${current}, not ${expected}; reload it and try again`,
        ['input', 'expectedVersion'],
      )
    : undefined;

/** How a cart change runs its transaction and publishes what it committed. */
export function createCartChanges({ repo, cache }: Pick<CartPorts, 'repo' | 'cache'>) {
  /** After a commit: caches the changed carts' snapshots. */
  const published = async (...snapshots: CartSnapshot[]) => {
    await Promise.all(snapshots.map((snapshot) => cache.set(snapshot)));
  };

  /**
   * Runs a transaction, retrying it once when it lost a race for the user's one ACTIVE cart
   * (`carts_one_active_per_user`): a concurrent first add created a cart, or a released claim
   * made one ACTIVE again. The retry sees the winner's committed cart.
   */
  const transactionRetryingActiveRace = async <T>(fn: (tx: CartQueries) => Promise<T>) => {
    try {
      return await repo.transaction(fn);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return repo.transaction(fn);
    }
  };

  /** Runs a mutation transaction (see {@link transactionRetryingActiveRace}). */
  const mutate = async (fn: (tx: CartQueries) => Promise<CartResult>): Promise<CartResult> => {
    const result = await transactionRetryingActiveRace(fn);
    if (result.ok) await published(result.cart);
    return result;
  };

  return { published, transactionRetryingActiveRace, mutate };
}

export type CartChanges = ReturnType<typeof createCartChanges>;
