import { randomUUID } from 'node:crypto';
import type { EventData, NewEvent } from '@shop/events';
import { log } from '@shop/log';
import type { CartQueries } from '../ports';
import type { NewCartLine } from '../repo';
import type { CartRow } from '../tables';
import { isUuid } from '@shop/primitives';
import { cartEvent as event } from './cart-events';
import { MAX_LINE_QUANTITY, MAX_LINES } from './cart-change';

/** The cart's side of a placed order: the ordered cart is CONVERTED (`order.created`). */
export function createCartConversion() {
  return {
    /**
     * Effect of `order.created`: the ordered cart (ACTIVE, or CHECKING_OUT under any order's
     * claim) becomes CONVERTED (through the consumer's transaction). Unknown or already converted
     * carts are ignored. When the cart changed after
     * the version the order read (`cartVersion`), what the order's `lines` did not include is
     * carried over to the user's ACTIVE cart (created if needed); the converted cart keeps its
     * lines as history.
     */
    async convertCart(tx: CartQueries, data: EventData<'order.created'>) {
      if (!isUuid(data.cartId)) return;
      const { orderId } = data;
      const cart = await tx.markConverted(data.cartId, orderId);
      if (!cart) return;
      const events = [event(cart, 'cart.converted', cart.version, { orderId })];
      const orderedVersion = data.cartVersion;
      // `markConverted` bumped the version: the cart was at `cart.version - 1` before.
      if (cart.userId && orderedVersion !== undefined && cart.version - 1 > orderedVersion) {
        events.push(...(await carryOver(tx, cart, orderedQuantities(data.lines))));
      }
      await tx.appendEvents(events);
    },
  };

  /**
   * Moves the lines of a converted cart the order did not include (quantities beyond the ordered
   * ones) into the user's ACTIVE cart, merging by variant up to {@link MAX_LINE_QUANTITY}.
   */
  async function carryOver(
    tx: CartQueries,
    converted: CartRow,
    ordered: Map<string, number>,
  ): Promise<NewEvent[]> {
    const leftovers = (await tx.linesOf(converted.id))
      .map((line) => ({ line, quantity: line.quantity - (ordered.get(line.variantId) ?? 0) }))
      .filter(({ quantity }) => quantity > 0);
    if (leftovers.length === 0) return [];
    const userId = converted.userId!;
    const currency = leftovers[0]!.line.currencyCode;
    const events: NewEvent[] = [];
    let target = await tx.lockActiveCartForUser(userId);
    if (target && target.currencyCode && target.currencyCode !== currency) {
      log.warn(
        `[cart] cannot carry lines of cart ${converted.id} over: the active cart is in ${target.currencyCode}`,
      );
      return [];
    }
    if (!target) {
      target = await tx.insertCart({
        id: randomUUID(),
        userId,
        status: 'ACTIVE',
        currencyCode: currency,
        version: 1,
      });
      events.push(
        event(target, 'cart.created', 1, { currencyCode: currency, carriedFrom: converted.id }),
      );
    }
    const existing = await tx.linesOf(target.id);
    const byVariant = new Map(existing.map((line) => [line.variantId, line]));
    let lineCount = existing.length;
    let position = existing.reduce((max, line) => Math.max(max, line.position), 0);
    let version = target.version;
    const inserts: NewCartLine[] = [];
    for (const { line, quantity } of leftovers) {
      const mine = byVariant.get(line.variantId);
      const from = mine?.quantity ?? 0;
      const total = Math.min(from + quantity, MAX_LINE_QUANTITY);
      if (total <= from) continue;
      if (mine) await tx.setLineQuantity(mine.id, total);
      else {
        if (lineCount >= MAX_LINES) continue;
        lineCount += 1;
        position += 1;
        inserts.push({
          id: randomUUID(),
          cartId: target.id,
          variantId: line.variantId,
          productId: line.productId,
          sku: line.sku,
          productName: line.productName,
          variantName: line.variantName,
          quantity: total,
          unitPriceAmount: line.unitPriceAmount,
          currencyCode: line.currencyCode,
          position,
        });
      }
      version += 1;
      events.push(
        event(target, 'cart.line_added', version, {
          variantId: line.variantId,
          productId: line.productId,
          sku: line.sku,
          quantity: total - from,
          lineQuantity: total,
          unitPrice: {
            amountMinor: mine?.unitPriceAmount ?? line.unitPriceAmount,
            currency: mine?.currencyCode ?? line.currencyCode,
          },
          carriedFrom: converted.id,
        }),
      );
    }
    await tx.insertLines(inserts);
    if (version !== target.version) {
      await tx.updateCart(target.id, { version, currencyCode: currency });
    }
    return events;
  }
}

/** Ordered quantity per variant from `order.created`'s `lines`. */
function orderedQuantities(lines: EventData<'order.created'>['lines']): Map<string, number> {
  const ordered = new Map<string, number>();
  for (const line of lines) {
    ordered.set(line.variantId, (ordered.get(line.variantId) ?? 0) + line.quantity);
  }
  return ordered;
}
