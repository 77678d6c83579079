import { bigint, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** The Postgres schema this subgraph owns; migrations live in `../migrations`. */
export const cartSchema = pgSchema('cart');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type CartStatus = 'ACTIVE' | 'MERGED' | 'CONVERTED';

export const carts = cartSchema.table('carts', {
  id: uuid('id').primaryKey(),
  userId: text('user_id'),
  status: text('status').notNull().$type<CartStatus>(),
  currencyCode: text('currency_code'),
  version: integer('version').notNull(),
  mergedInto: uuid('merged_into'),
  orderId: text('order_id'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const cartLines = cartSchema.table(
  'cart_lines',
  {
    id: uuid('id').primaryKey(),
    cartId: uuid('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    variantId: text('variant_id').notNull(),
    productId: text('product_id'),
    sku: text('sku').notNull(),
    productName: text('product_name').notNull(),
    variantName: text('variant_name').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceAmount: bigint('unit_price_amount', { mode: 'number' }).notNull(),
    currencyCode: text('currency_code').notNull(),
    position: integer('position').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('cart_lines_cart_variant_key').on(t.cartId, t.variantId)],
);

export type CartRow = typeof carts.$inferSelect;
export type CartLineRow = typeof cartLines.$inferSelect;
