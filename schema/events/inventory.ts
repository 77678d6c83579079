import { z } from 'zod';
import { defineEvent } from './contract';
import { id, quantity } from './fields';
import { TOPICS } from './topics';

const inventory = {
  version: 1,
  topic: TOPICS.inventory,
  producer: 'product',
  key: 'variantId',
} as const;
const stock = { variantId: id, orderId: id, quantity };

export const INVENTORY_EVENTS = [
  defineEvent({
    ...inventory,
    type: 'stock.reserved',
    data: z.object({ ...stock, stockOnHand: quantity }),
  }),
  defineEvent({
    ...inventory,
    type: 'stock.reservation_released',
    data: z.object({ ...stock, stockOnHand: quantity, reason: z.string() }),
  }),
  defineEvent({
    ...inventory,
    type: 'stock.allocated',
    data: z.object(stock),
    note: 'payment authorized: the reservation no longer expires',
  }),
] as const;
