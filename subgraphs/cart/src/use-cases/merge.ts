import { randomUUID } from 'node:crypto';
import type { CartPorts } from '../ports';
import type { NewCartLine } from '../repo';
import type { CartLineRow, CartRow } from '../tables';
import { cartEvent } from './cart-events';
import {
  checkVersion,
  createCartChanges,
  fail,
  MAX_LINE_QUANTITY,
  MAX_LINES,
  type CartFailure,
  type CartResult,
} from './cart-change';

export type MergeStrategy = 'MERGE' | 'USE_GUEST' | 'USE_EXISTING';

export interface MergeGuestCartInput {
  cartToken: string;
  strategy: MergeStrategy;
  expectedVersion?: number | null;
}

/** Merging a guest cart into the cart of the user who signed in. */
export function createGuestCartMerge(ports: Pick<CartPorts, 'repo' | 'tokens' | 'cache'>) {
  const { tokens } = ports;
  const { mutate } = createCartChanges(ports);

  return {
    /**
     * Merges a guest cart into the signed-in user's ACTIVE cart (MERGE: union, max quantity per
     * variant; USE_GUEST: the guest's lines replace the user's; USE_EXISTING: the user's stay).
     * The guest cart becomes MERGED. Without a user cart, the guest cart becomes the user's.
     * Idempotent: merging an already merged guest cart returns the user's cart unchanged.
     */
    async mergeGuestCart(userId: string, input: MergeGuestCartInput): Promise<CartResult> {
      const guestId = tokens.verify(input.cartToken);
      if (!guestId) {
        return fail('INVALID_CART_TOKEN', 'The cart token is invalid', ['input', 'cartToken']);
      }
      const notFound = fail('CART_NOT_FOUND', 'The guest cart does not exist', [
        'input',
        'cartToken',
      ]);
      return mutate(async (tx) => {
        const guest = await tx.lockCart(guestId);
        if (!guest) return notFound;
        if (guest.userId !== null) {
          if (guest.userId !== userId) return notFound;
          if (guest.status === 'ACTIVE')
            return { ok: true, cart: (await tx.loadSnapshot(guest.id))! };
        }
        if (guest.status === 'MERGED') {
          const current = await tx.lockActiveCartForUser(userId);
          const into = current?.id ?? guest.mergedInto;
          const cart = into ? await tx.loadSnapshot(into) : undefined;
          return cart && cart.userId === userId ? { ok: true, cart } : notFound;
        }
        if (guest.status !== 'ACTIVE') {
          return fail('CART_NOT_ACTIVE', `The guest cart is ${guest.status.toLowerCase()}`, [
            'input',
            'cartToken',
          ]);
        }

        const own = await tx.lockActiveCartForUser(userId);
        const conflict = checkVersion(own?.version ?? 0, input.expectedVersion);
        if (conflict) return conflict;
        const guestLines = await tx.linesOf(guest.id);

        if (!own) {
          const version = guest.version + 1;
          const assigned = await tx.updateCart(guest.id, { userId, version });
          await tx.appendEvents([
            cartEvent(assigned, 'cart.merged', version, {
              guestCartId: guest.id,
              strategy: input.strategy,
              lineCount: guestLines.length,
            }),
          ]);
          return { ok: true, cart: (await tx.loadSnapshot(guest.id))! };
        }

        const ownLines = await tx.linesOf(own.id);
        const plan = planMerge(
          input.strategy,
          { cart: own, lines: ownLines },
          { cart: guest, lines: guestLines },
        );
        if (!plan.ok) return plan;
        await tx.deleteLines(plan.deletes);
        for (const [lineId, quantity] of plan.updates) await tx.setLineQuantity(lineId, quantity);
        await tx.insertLines(plan.inserts);
        const version = own.version + 1;
        await tx.updateCart(own.id, { version, currencyCode: plan.currencyCode });
        await tx.updateCart(guest.id, {
          status: 'MERGED',
          mergedInto: own.id,
          version: guest.version + 1,
        });
        const merged = (await tx.loadSnapshot(own.id))!;
        await tx.appendEvents([
          cartEvent(own, 'cart.merged', version, {
            guestCartId: guest.id,
            strategy: input.strategy,
            lineCount: merged.lines.length,
          }),
        ]);
        return { ok: true, cart: merged };
      });
    },
  };
}

type MergePlan =
  | {
      ok: true;
      deletes: string[];
      updates: Array<[string, number]>;
      inserts: NewCartLine[];
      currencyCode: string | null;
    }
  | CartFailure;

/** Computes the line changes of a merge into `own` (pure). */
export function planMerge(
  strategy: MergeStrategy,
  target: { cart: CartRow; lines: CartLineRow[] },
  source: { cart: CartRow; lines: CartLineRow[] },
  quantities: 'larger' | 'added' = 'larger',
): MergePlan {
  const { cart: own, lines: ownLines } = target;
  const { cart: guest, lines: guestLines } = source;
  const copy = (line: CartLineRow, position: number): NewCartLine => ({
    id: randomUUID(),
    cartId: own.id,
    variantId: line.variantId,
    productId: line.productId,
    sku: line.sku,
    productName: line.productName,
    variantName: line.variantName,
    quantity: line.quantity,
    unitPriceAmount: line.unitPriceAmount,
    currencyCode: line.currencyCode,
    position,
  });
  if (strategy === 'USE_EXISTING') {
    return { ok: true, deletes: [], updates: [], inserts: [], currencyCode: own.currencyCode };
  }
  if (strategy === 'USE_GUEST') {
    return {
      ok: true,
      deletes: ownLines.map((line) => line.id),
      updates: [],
      inserts: guestLines.map((line, index) => copy(line, index + 1)),
      currencyCode: guestLines.length > 0 ? guest.currencyCode : null,
    };
  }
  if (own.currencyCode && guest.currencyCode && own.currencyCode !== guest.currencyCode) {
    return fail(
      'CURRENCY_MISMATCH',
      `The guest cart is in ${guest.currencyCode}, yours in ${own.currencyCode}`,
      ['input', 'cartToken'],
    );
  }
  const byVariant = new Map(ownLines.map((line) => [line.variantId, line]));
  const updates: Array<[string, number]> = [];
  const inserts: NewCartLine[] = [];
  let position = ownLines.reduce((max, line) => Math.max(max, line.position), 0);
  for (const line of guestLines) {
    const mine = byVariant.get(line.variantId);
    if (mine) {
      const quantity =
        quantities === 'added'
          ? Math.min(mine.quantity + line.quantity, MAX_LINE_QUANTITY)
          : line.quantity;
      if (quantity > mine.quantity) updates.push([mine.id, quantity]);
    } else {
      position += 1;
      inserts.push(copy(line, position));
    }
  }
  if (ownLines.length + inserts.length > MAX_LINES) {
    return fail('INVALID_QUANTITY', `A merged cart would exceed ${MAX_LINES} lines`, [
      'input',
      'cartToken',
    ]);
  }
  return {
    ok: true,
    deletes: [],
    updates,
    inserts,
    currencyCode: own.currencyCode ?? guest.currencyCode,
  };
}
