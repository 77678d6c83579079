import { z } from 'zod';
import { defineEvent, defineEvents } from './contract';
import { id, money, quantity } from './fields';
import { TOPICS } from './topics';

const order = { version: 1, topic: TOPICS.order, producer: 'order', key: 'orderId' } as const;
const owner = { orderId: id, userId: id };

export const ORDER_EVENTS = [
  defineEvent({
    ...order,
    type: 'order.created',
    data: z.object({
      ...owner,
      number: z.string(),
      cartId: id,
      cartVersion: z.number().int().optional(),
      status: z.string(),
      total: money,
      lines: z.array(
        z.object({
          variantId: id,
          productId: id,
          sku: z.string(),
          productName: z.string(),
          quantity,
          unitPrice: money,
        }),
      ),
    }),
    note: "`cartVersion`: the cart version the order was placed from; optional, absent in older events — the cart subgraph carries lines added after it over to the user's ACTIVE cart on conversion",
  }),
  defineEvent({
    ...order,
    type: 'order.status_changed',
    data: z.object({ ...owner, from: z.string(), to: z.string(), reason: z.string().nullable() }),
  }),
  defineEvent({
    ...order,
    type: 'order.placed',
    data: z.object(owner),
    note: 'payment authorized: reservation → allocation',
  }),
  ...defineEvents(['order.paid', 'order.delivered', 'order.completed'], {
    ...order,
    data: z.object(owner),
  }),
  ...defineEvents(['order.cancelled', 'order.expired'], {
    ...order,
    data: z.object({ ...owner, reason: z.string().nullable() }),
    note: 'stock released, payment voided/refunded',
  }),
  defineEvent({
    ...order,
    type: 'order.shipped',
    data: z.object({
      ...owner,
      carrier: z.string().nullable(),
      trackingNumber: z.string().nullable(),
    }),
    note: 'payment captured',
  }),
] as const;
