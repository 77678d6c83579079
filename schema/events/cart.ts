import { z } from 'zod';
import { defineEvent } from './contract';
import { id, money, quantity } from './fields';
import { TOPICS } from './topics';

const cart = { version: 1, topic: TOPICS.cart, producer: 'cart', key: 'cartId' } as const;
/** Every cart event names its cart, owner (null for a guest cart) and the cart's new version. */
const base = { cartId: id, userId: id.nullable(), version: z.number().int() };

export const CART_EVENTS = [
  defineEvent({
    ...cart,
    type: 'cart.created',
    data: z.object({
      ...base,
      currencyCode: z.string().nullable(),
      carriedFrom: id.optional(),
    }),
    note: '`carriedFrom`: the converted cart whose leftover lines it was created for',
  }),
  defineEvent({
    ...cart,
    type: 'cart.line_added',
    data: z.object({
      ...base,
      variantId: id,
      productId: id.nullable(),
      sku: z.string(),
      quantity,
      lineQuantity: quantity,
      unitPrice: money,
      carriedFrom: id.optional(),
    }),
  }),
  defineEvent({
    ...cart,
    type: 'cart.line_updated',
    data: z.object({ ...base, variantId: id, sku: z.string(), fromQuantity: quantity, quantity }),
  }),
  defineEvent({
    ...cart,
    type: 'cart.line_removed',
    data: z.object({ ...base, variantId: id, sku: z.string(), quantity }),
  }),
  defineEvent({
    ...cart,
    type: 'cart.merged',
    data: z.object({
      ...base,
      strategy: z.string(),
      guestCartId: id.optional(),
      lineCount: quantity.optional(),
      mergedInto: id.optional(),
    }),
    note: 'a guest cart merged into this one (`guestCartId`, `lineCount`), or this cart merged into a claimed one (`mergedInto`)',
  }),
  defineEvent({
    ...cart,
    type: 'cart.checkout_started',
    data: z.object({ ...base, orderId: id, takenOverFrom: id.nullable().optional() }),
  }),
  defineEvent({
    ...cart,
    type: 'cart.checkout_released',
    data: z.object({ ...base, orderId: id, mergedCartId: id.optional() }),
  }),
  defineEvent({
    ...cart,
    type: 'cart.converted',
    data: z.object({ ...base, orderId: id }),
  }),
] as const;
