import { log } from '@shop/log';
import type { CartPorts } from '../ports';
import type { CartSnapshot } from '../repo';
import { isUuid } from '@shop/primitives';
import { cartEvent } from './cart-events';
import { createCartChanges } from './cart-change';
import { planMerge } from './merge';

/** The cart as the order subgraph reads it at checkout. */
export interface CheckoutCart {
  id: string;
  userId: string;
  currencyCode: string | null;
  version: number;
  lines: Array<{
    variantId: string;
    quantity: number;
    unitPrice: { amount: number; currencyCode: string };
  }>;
}

/**
 * Answer of `claimForCheckout`: this checkout now holds the cart, or another order does
 * (`orderId` null only for a cart converted without a recorded order id).
 */
export type CheckoutClaim =
  { claimed: true; cart: CheckoutCart } | { claimed: false; orderId: string | null };

/**
 * How long a checkout claim protects a cart (seconds). A checkout takes a few service calls
 * (each bounded by a 5 s client timeout), so a claim this old belongs to a checkout that died
 * (process killed, network lost) and may be taken over by the next checkout. Taking over never
 * allows a second order: the order database holds at most one order per cart (unique
 * `orders.cart_id`), so if the old checkout still commits, the newer one is refused there.
 */
export const CHECKOUT_CLAIM_TTL_SECONDS = 60;

/** The order subgraph's hold on a cart while it places an order from it. */
export function createCheckoutClaims(ports: Pick<CartPorts, 'repo' | 'cache'>) {
  const { repo } = ports;
  const { published, transactionRetryingActiveRace } = createCartChanges(ports);

  return {
    /**
     * Claims `userId`'s cart for the order `orderId` about to be placed from it, atomically under
     * the cart's row lock: an ACTIVE cart becomes CHECKING_OUT (read-only; the user's next lines
     * go to a new ACTIVE cart) and its lines are answered, straight from Postgres. A cart claimed
     * by another order, or converted into one, answers that order — unless the claim is older
     * than {@link CHECKOUT_CLAIM_TTL_SECONDS} (its checkout died), which is taken over. Claiming
     * again for the same order answers the cart again. Null when the cart does not exist, is not
     * the user's or was merged away.
     */
    async claimForCheckout(
      cartId: string,
      userId: string,
      orderId: string,
    ): Promise<CheckoutClaim | null> {
      if (!isUuid(cartId) || !isUuid(orderId)) return null;
      const outcome = await repo.transaction(
        async (tx): Promise<{ claim: CheckoutClaim; changed?: CartSnapshot } | null> => {
          const cart = await tx.lockCart(cartId);
          if (!cart || cart.userId !== userId || cart.status === 'MERGED') return null;
          if (cart.status === 'CONVERTED') {
            return { claim: { claimed: false, orderId: cart.orderId || null } };
          }
          if (cart.status === 'CHECKING_OUT' && cart.orderId !== orderId) {
            const stale = await tx.isClaimStale(cart.id, CHECKOUT_CLAIM_TTL_SECONDS);
            if (!stale) return { claim: { claimed: false, orderId: cart.orderId } };
          }
          if (cart.status === 'CHECKING_OUT' && cart.orderId === orderId) {
            const snapshot = (await tx.loadSnapshot(cart.id))!;
            return { claim: { claimed: true, cart: checkoutCartOf(snapshot, userId) } };
          }
          const claimed = await tx.claimForOrder(cart.id, orderId);
          await tx.appendEvents([
            cartEvent(claimed, 'cart.checkout_started', claimed.version, {
              orderId,
              ...(cart.status === 'CHECKING_OUT' ? { takenOverFrom: cart.orderId } : {}),
            }),
          ]);
          const snapshot = (await tx.loadSnapshot(cart.id))!;
          return {
            claim: { claimed: true, cart: checkoutCartOf(snapshot, userId) },
            changed: snapshot,
          };
        },
      );
      if (outcome?.changed) await published(outcome.changed);
      return outcome?.claim ?? null;
    },

    /**
     * Gives back the claim `orderId` holds on a cart after its checkout failed (stock, price
     * change, an error): the cart is ACTIVE again. If the user started a newer ACTIVE cart
     * meanwhile, its lines are merged into this one (quantities of the same variant add up, to at
     * most {@link MAX_LINE_QUANTITY}) and it becomes MERGED, so the cart id the client holds stays the one to retry; when they cannot be
     * merged (another currency, too many lines), the newer cart stays active and this one is
     * parked as MERGED into it. False when `orderId` does not hold the claim (released already,
     * taken over, or converted: the order exists).
     */
    async releaseCheckoutClaim(cartId: string, orderId: string): Promise<boolean> {
      if (!isUuid(cartId)) return false;
      const changed = await transactionRetryingActiveRace(
        async (tx): Promise<CartSnapshot[] | null> => {
          const cart = await tx.lockCart(cartId);
          if (!cart || cart.status !== 'CHECKING_OUT' || cart.orderId !== orderId) return null;
          const released = { status: 'ACTIVE', orderId: null, claimedAt: null } as const;
          const version = cart.version + 1;
          const newer = cart.userId ? await tx.lockActiveCartForUser(cart.userId) : undefined;
          if (!newer) {
            await tx.updateCart(cart.id, { ...released, version });
            await tx.appendEvents([
              cartEvent(cart, 'cart.checkout_released', version, { orderId }),
            ]);
            return [(await tx.loadSnapshot(cart.id))!];
          }
          // The newer cart holds only what was added during the checkout: quantities add up.
          const plan = planMerge(
            'MERGE',
            { cart, lines: await tx.linesOf(cart.id) },
            { cart: newer, lines: await tx.linesOf(newer.id) },
            'added',
          );
          if (!plan.ok) {
            log.warn(
              `[cart] cart ${cart.id} released by order ${orderId} cannot take in the newer cart ${newer.id} (${plan.message}); it is parked as merged into it`,
            );
            await tx.updateCart(cart.id, {
              status: 'MERGED',
              mergedInto: newer.id,
              orderId: null,
              claimedAt: null,
              version,
            });
            await tx.appendEvents([
              cartEvent(cart, 'cart.checkout_released', version, { orderId }),
            ]);
            return [(await tx.loadSnapshot(cart.id))!];
          }
          // The newer cart leaves ACTIVE first: one ACTIVE cart per user.
          const newerVersion = newer.version + 1;
          await tx.updateCart(newer.id, {
            status: 'MERGED',
            mergedInto: cart.id,
            version: newerVersion,
          });
          for (const [lineId, quantity] of plan.updates) await tx.setLineQuantity(lineId, quantity);
          await tx.insertLines(plan.inserts);
          await tx.updateCart(cart.id, { ...released, version, currencyCode: plan.currencyCode });
          await tx.appendEvents([
            cartEvent(newer, 'cart.merged', newerVersion, {
              mergedInto: cart.id,
              strategy: 'MERGE',
            }),
            cartEvent(cart, 'cart.checkout_released', version, { orderId, mergedCartId: newer.id }),
          ]);
          return [(await tx.loadSnapshot(cart.id))!, (await tx.loadSnapshot(newer.id))!];
        },
      );
      if (!changed) return false;
      await published(...changed);
      return true;
    },
  };
}

/** The lines a checkout orders, from a claimed cart's snapshot. */
function checkoutCartOf(cart: CartSnapshot, userId: string): CheckoutCart {
  return {
    id: cart.id,
    userId,
    currencyCode: cart.currencyCode,
    version: cart.version,
    lines: cart.lines.map((line) => ({
      variantId: line.variantId,
      quantity: line.quantity,
      unitPrice: { amount: line.unitPriceAmount, currencyCode: line.currencyCode },
    })),
  };
}
