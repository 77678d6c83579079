import { isUnitPriceInRange } from '@shop/subgraph';
import type { VariantInfo } from '../ports';
import type { CartLineRow } from '../tables';
import { isUuid } from '../tokens';
import { fail, MAX_LINE_QUANTITY, MAX_LINES, type CartFailure } from './cart-change';
import { isPublished } from './warnings';

/** The checks of an add of lines (pure). */

/** The lines of an `addLines` input: a variant id and a quantity each. */
export type RequestedLines = Array<{ variantId: string; quantity: number }>;

/** The quantity requested per variant, or the first malformed line's failure. */
export function requestedQuantities(lines: RequestedLines): Map<string, number> | CartFailure {
  if (lines.length === 0) {
    return fail('INVALID_QUANTITY', 'Add at least one line', ['input', 'lines']);
  }
  const requested = new Map<string, number>();
  for (const [index, line] of lines.entries()) {
    if (
      !Number.isInteger(line.quantity) ||
      line.quantity < 1 ||
      line.quantity > MAX_LINE_QUANTITY
    ) {
      return fail('INVALID_QUANTITY', `Quantity must be between 1 and ${MAX_LINE_QUANTITY}`, [
        'input',
        'lines',
        String(index),
        'quantity',
      ]);
    }
    if (!isUuid(line.variantId)) {
      return fail('VARIANT_NOT_FOUND', `Variant ${line.variantId} does not exist`, [
        'input',
        'lines',
        String(index),
        'variantId',
      ]);
    }
    requested.set(line.variantId, (requested.get(line.variantId) ?? 0) + line.quantity);
  }
  return requested;
}

/** Checks every requested variant can be sold now, all in one currency (answered). */
export function checkSellable(
  lines: RequestedLines,
  variants: Map<string, VariantInfo | null>,
): { ok: true; currency: string } | CartFailure {
  let currency: string | undefined;
  for (const [index, line] of lines.entries()) {
    const field = ['input', 'lines', String(index), 'variantId'];
    const variant = variants.get(line.variantId);
    if (!variant) {
      return fail('VARIANT_NOT_FOUND', `Variant ${line.variantId} does not exist`, field);
    }
    if (!isPublished(variant)) {
      return fail('PRODUCT_UNAVAILABLE', `${variant.sku} is not available`, field);
    }
    if (variant.stockOnHand <= 0) {
      return fail('OUT_OF_STOCK', `${variant.sku} is out of stock`, field);
    }
    // A price above the bound (a row from before it) would make cart totals unsafe integers.
    if (!isUnitPriceInRange(variant.price.amount)) {
      return fail('PRODUCT_UNAVAILABLE', `${variant.sku} cannot be sold at its price`, field);
    }
    currency ??= variant.price.currencyCode;
    if (variant.price.currencyCode !== currency) {
      return fail('CURRENCY_MISMATCH', 'All lines of a cart must use one currency', field);
    }
  }
  return { ok: true, currency: currency! };
}

/** INVALID_QUANTITY when adding `requested` to `existing` exceeds a line's or the cart's limit. */
export function checkRoom(
  existing: CartLineRow[],
  requested: Map<string, number>,
): CartFailure | undefined {
  const byVariant = new Map(existing.map((line) => [line.variantId, line]));
  for (const [variantId, quantity] of requested) {
    const total = (byVariant.get(variantId)?.quantity ?? 0) + quantity;
    if (total > MAX_LINE_QUANTITY) {
      return fail(
        'INVALID_QUANTITY',
        `At most ${MAX_LINE_QUANTITY} of one variant per cart (${total} requested)`,
        ['input', 'lines'],
      );
    }
  }
  const newCount = [...requested.keys()].filter((id) => !byVariant.has(id)).length;
  if (existing.length + newCount > MAX_LINES) {
    return fail('INVALID_QUANTITY', `A cart holds at most ${MAX_LINES} lines`, ['input', 'lines']);
  }
  return undefined;
}
