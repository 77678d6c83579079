import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@shop/events';
import { log } from '@shop/log';
import type { CartPorts, CartQueries, VariantInfo } from '../ports';
import type { NewCartLine } from '../repo';
import type { CartLineRow, CartRow } from '../tables';
import { cartEvent } from './cart-events';
import {
  checkVersion,
  createCartChanges,
  fail,
  MAX_LINE_QUANTITY,
  type Caller,
  type CartResult,
} from './cart-change';
import { checkRoom, checkSellable, requestedQuantities, type RequestedLines } from './line-checks';
import { createLineTargets } from './line-target';

export interface AddLinesInput {
  cartToken?: string | null;
  lines: RequestedLines;
  expectedVersion?: number | null;
}
export interface UpdateLineInput {
  cartToken?: string | null;
  variantId: string;
  quantity: number;
  expectedVersion?: number | null;
}
export interface RemoveLineInput {
  cartToken?: string | null;
  variantId: string;
  expectedVersion?: number | null;
}

/** Editing the lines of a cart: add (creating the cart), set a quantity, remove. */
export function createLineEditing(ports: Pick<CartPorts, 'repo' | 'catalog' | 'tokens' | 'cache'>) {
  const { catalog, tokens } = ports;
  const { mutate } = createCartChanges(ports);
  const { lockTarget, lockLine, likelyLineIds } = createLineTargets(ports);

  /** Fetches variants without failing: a product outage must not block edits of quantities. */
  const tryFetch = async (ids: string[]) => {
    try {
      return await catalog.fetchVariants(ids);
    } catch (error) {
      log.warn(`[cart] product unavailable while editing a cart: ${String(error)}`);
      return undefined;
    }
  };

  /** Removes a line; an emptied cart forgets its currency. */
  const removeLine = async (caller: Caller, input: RemoveLineInput): Promise<CartResult> =>
    mutate(async (tx) => {
      const target = await lockLine(tx, caller, input);
      if (!target.ok) return target;
      const { cart, lines, line } = target;
      const version = cart.version + 1;
      await tx.deleteLines([line.id]);
      await tx.updateCart(cart.id, {
        version,
        ...(lines.length === 1 ? { currencyCode: null } : {}),
      });
      await tx.appendEvents([
        cartEvent(cart, 'cart.line_removed', version, {
          variantId: line.variantId,
          sku: line.sku,
          quantity: line.quantity,
        }),
      ]);
      return { ok: true, cart: (await tx.loadSnapshot(cart.id))! };
    });

  return {
    /**
     * Adds lines (quantities add up for variants already in the cart). Signed in without token:
     * the user's ACTIVE cart, created on first add; anonymous without token: a new guest cart.
     * Product is asked first; if it is down this throws (nothing is written).
     */
    async addLines(caller: Caller, input: AddLinesInput): Promise<CartResult> {
      const requested = requestedQuantities(input.lines);
      if (!(requested instanceof Map)) return requested;
      if (input.cartToken && !tokens.verify(input.cartToken)) {
        return fail('INVALID_CART_TOKEN', 'The cart token is invalid', ['input', 'cartToken']);
      }
      const existingIds = await likelyLineIds(caller, input.cartToken);
      const variants = await catalog.fetchVariants([...requested.keys(), ...existingIds]);
      const sellable = checkSellable(input.lines, variants);
      if (!sellable.ok) return sellable;
      const { currency } = sellable;

      const result = await mutate(async (tx) => {
        const target = await lockTarget(tx, caller, input.cartToken);
        if (!target.ok) return target;
        const conflict = checkVersion(target.cart?.version ?? 0, input.expectedVersion);
        if (conflict) return conflict;
        const cartCurrency = target.cart?.currencyCode ?? currency;
        if (cartCurrency !== currency) {
          return fail(
            'CURRENCY_MISMATCH',
            `This cart is in ${cartCurrency}; these variants are priced in ${currency}`,
            ['input', 'lines'],
          );
        }
        const existing = target.cart ? await tx.linesOf(target.cart.id) : [];
        const full = checkRoom(existing, requested);
        if (full) return full;

        const cart =
          target.cart ??
          (await tx.insertCart({
            id: randomUUID(),
            userId: caller?.userId ?? null,
            status: 'ACTIVE',
            currencyCode: cartCurrency,
            version: 1,
          }));
        const created = target.cart
          ? []
          : [cartEvent(cart, 'cart.created', 1, { currencyCode: cartCurrency })];
        const added = await addToLines(tx, { cart, lines: existing }, requested, variants);
        await tx.updateCart(cart.id, { version: added.version, currencyCode: cartCurrency });
        await tx.appendEvents([...created, ...added.events]);
        return { ok: true, cart: (await tx.loadSnapshot(cart.id))! };
      });
      return result.ok ? { ...result, variants } : result;
    },

    /** Sets a line's quantity; 0 removes it. */
    async updateLine(caller: Caller, input: UpdateLineInput): Promise<CartResult> {
      const { quantity } = input;
      if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_LINE_QUANTITY) {
        return fail('INVALID_QUANTITY', `Quantity must be between 0 and ${MAX_LINE_QUANTITY}`, [
          'input',
          'quantity',
        ]);
      }
      if (quantity === 0) return removeLine(caller, input);
      const variants = await tryFetch([
        input.variantId,
        ...(await likelyLineIds(caller, input.cartToken)),
      ]);
      const result = await mutate(async (tx) => {
        const target = await lockLine(tx, caller, input);
        if (!target.ok) return target;
        const { cart, lines, line } = target;
        const variant = variants?.get(input.variantId);
        if (quantity > line.quantity && variant && variant.stockOnHand <= 0) {
          return fail('OUT_OF_STOCK', `${line.sku} is out of stock`, ['input', 'quantity']);
        }
        if (quantity === line.quantity) return { ok: true, cart: { ...cart, lines } };
        const version = cart.version + 1;
        await tx.setLineQuantity(line.id, quantity);
        await tx.updateCart(cart.id, { version });
        await tx.appendEvents([
          cartEvent(cart, 'cart.line_updated', version, {
            variantId: line.variantId,
            sku: line.sku,
            fromQuantity: line.quantity,
            quantity,
          }),
        ]);
        return { ok: true, cart: (await tx.loadSnapshot(cart.id))! };
      });
      return result.ok && variants ? { ...result, variants } : result;
    },

    removeLine,
  };
}

/**
 * Writes the requested quantities into `cart`'s lines (adding to existing lines, inserting new
 * ones at the end); answers the cart's version after them and their `cart.line_added` events.
 */
async function addToLines(
  tx: CartQueries,
  { cart, lines: existing }: { cart: CartRow; lines: CartLineRow[] },
  requested: Map<string, number>,
  variants: Map<string, VariantInfo | null>,
): Promise<{ version: number; events: NewEvent[] }> {
  const byVariant = new Map(existing.map((line) => [line.variantId, line]));
  const events: NewEvent[] = [];
  let version = cart.version;
  let position = existing.reduce((max, line) => Math.max(max, line.position), 0);
  const inserts: NewCartLine[] = [];
  for (const [variantId, quantity] of requested) {
    const variant = variants.get(variantId)!;
    const line = byVariant.get(variantId);
    version += 1;
    if (line) await tx.setLineQuantity(line.id, line.quantity + quantity);
    else {
      position += 1;
      inserts.push({
        id: randomUUID(),
        cartId: cart.id,
        variantId,
        productId: variant.product?.id ?? null,
        sku: variant.sku,
        productName: variant.product?.name ?? variant.name,
        variantName: variant.name,
        quantity,
        unitPriceAmount: variant.price.amount,
        currencyCode: variant.price.currencyCode,
        position,
      });
    }
    events.push(
      cartEvent(cart, 'cart.line_added', version, {
        variantId,
        productId: variant.product?.id ?? null,
        sku: variant.sku,
        quantity,
        lineQuantity: (line?.quantity ?? 0) + quantity,
        unitPrice: {
          amountMinor: line?.unitPriceAmount ?? variant.price.amount,
          currency: line?.currencyCode ?? variant.price.currencyCode,
        },
      }),
    );
  }
  await tx.insertLines(inserts);
  return { version, events };
}
