import { z } from 'zod';
import { defineEvent, defineEvents } from './contract';
import { id, money, quantity } from './fields';
import { TOPICS } from './topics';

const catalog = {
  version: 1,
  topic: TOPICS.catalog,
  producer: 'product',
  key: 'productId',
} as const;

const product = {
  productId: id,
  slug: z.string(),
  name: z.string(),
  status: z.string(),
  categoryId: id.nullable(),
};

const variant = z.object({
  variantId: id,
  sku: z.string(),
  name: z.string(),
  price: money,
  stockOnHand: quantity,
  attributes: z.array(z.object({ name: z.string(), value: z.string() })),
});

export const CATALOG_EVENTS = [
  defineEvent({
    ...catalog,
    type: 'product.created',
    data: z.object({ ...product, variants: z.array(variant) }),
  }),
  ...defineEvents(['product.updated', 'product.published', 'product.unpublished'], {
    ...catalog,
    data: z.object(product),
  }),
  defineEvent({ ...catalog, type: 'product.deleted', data: z.object({ productId: id }) }),
  ...defineEvents(['variant.created', 'variant.updated'], {
    ...catalog,
    data: variant.extend({ productId: id }),
  }),
  defineEvent({
    ...catalog,
    type: 'variant.deleted',
    data: z.object({ productId: id, variantId: id, sku: z.string() }),
  }),
  defineEvent({
    ...catalog,
    type: 'price.changed',
    data: z.object({ productId: id, variantId: id, from: money, to: money }),
  }),
] as const;
