import type { CartPorts, CartQueries } from '../ports';
import type { CartLineRow, CartRow } from '../tables';
import { checkVersion, fail, type Caller, type CartFailure } from './cart-change';

type Target = { ok: true; cart: CartRow | undefined } | CartFailure;
type LineTarget =
  { ok: true; cart: CartRow; lines: CartLineRow[]; line: CartLineRow } | CartFailure;

/**
 * Which cart a line edit targets: the cart of the guest token, else the signed-in user's ACTIVE
 * cart, else none yet (an add creates it).
 */
export function createLineTargets({ repo, tokens }: Pick<CartPorts, 'repo' | 'tokens'>) {
  /** Resolves (and row-locks) the cart a mutation targets. */
  const lockTarget = async (
    tx: CartQueries,
    caller: Caller,
    cartToken: string | null | undefined,
  ): Promise<Target> => {
    if (cartToken) {
      const cartId = tokens.verify(cartToken);
      if (!cartId)
        return fail('INVALID_CART_TOKEN', 'The cart token is invalid', ['input', 'cartToken']);
      const cart = await tx.lockCart(cartId);
      if (!cart || (cart.userId !== null && cart.userId !== caller?.userId)) {
        return fail('CART_NOT_FOUND', 'The cart does not exist', ['input', 'cartToken']);
      }
      if (cart.status !== 'ACTIVE') {
        return fail('CART_NOT_ACTIVE', `The cart is ${cart.status.toLowerCase()}`, [
          'input',
          'cartToken',
        ]);
      }
      return { ok: true, cart };
    }
    if (caller) return { ok: true, cart: await tx.lockActiveCartForUser(caller.userId) };
    return { ok: true, cart: undefined };
  };

  /**
   * Resolves (and row-locks) the cart holding the line of `input.variantId` an update or removal
   * targets, at the version the client expects.
   */
  const lockLine = async (
    tx: CartQueries,
    caller: Caller,
    input: { cartToken?: string | null; variantId: string; expectedVersion?: number | null },
  ): Promise<LineTarget> => {
    const target = await lockTarget(tx, caller, input.cartToken);
    if (!target.ok) return target;
    if (!target.cart) return fail('CART_NOT_FOUND', 'There is no cart yet', ['input']);
    const cart = target.cart;
    const conflict = checkVersion(cart.version, input.expectedVersion);
    if (conflict) return conflict;
    const lines = await tx.linesOf(cart.id);
    const line = lines.find((candidate) => candidate.variantId === input.variantId);
    if (!line) {
      return fail('VARIANT_NOT_FOUND', 'The variant is not in this cart', ['input', 'variantId']);
    }
    return { ok: true, cart, lines, line };
  };

  /** Variant ids of the cart a mutation will probably target, to fetch them in one call. */
  const likelyLineIds = async (caller: Caller, cartToken: string | null | undefined) => {
    const cartId = cartToken
      ? tokens.verify(cartToken)
      : caller
        ? (await repo.findActiveHeadForUser(caller.userId))?.id
        : undefined;
    if (!cartId) return [];
    return (await repo.linesOf(cartId)).map((line) => line.variantId);
  };

  return { lockTarget, lockLine, likelyLineIds };
}
