import type { CartPorts } from './ports';
import { createCartReads } from './use-cases/reads';
import { createLineEditing } from './use-cases/lines';
import { createGuestCartMerge } from './use-cases/merge';
import { createCheckoutClaims } from './use-cases/checkout-claim';
import { createCartConversion } from './use-cases/conversion';
import { cartWarnings } from './use-cases/warnings';

export type { Caller, CartResult } from './use-cases/cart-change';
export { CHECKOUT_CLAIM_TTL_SECONDS } from './use-cases/checkout-claim';

/**
 * The cart domain: guest and user carts, lines, merge on sign-in, conversion to an order. Each
 * part is a use case in `use-cases/`, built from the ports it needs (`ports.ts`).
 */
export function createCartService(ports: CartPorts) {
  return {
    cartWarnings,
    ...createCartReads(ports),
    ...createLineEditing(ports),
    ...createGuestCartMerge(ports),
    ...createCheckoutClaims(ports),
    ...createCartConversion(),
  };
}

export type CartService = ReturnType<typeof createCartService>;
