import { bigint, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** The Postgres schema this subgraph owns; migrations live in `../migrations`. */
export const cartSchema = pgSchema('cart');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type CartStatus = 'ACTIVE' | 'CHECKING_OUT' | 'MERGED' | 'CONVERTED';

export const carts = cartSchema.table('carts', {
  id: uuid('id').primaryKey(),
  userId: text('user_id'),
  status: text('status').notNull().$type<CartStatus>(),
  currencyCode: text('currency_code'),
  version: integer('version').notNull(),
  mergedInto: uuid('merged_into'),
  /** The order a CONVERTED cart became, or the order a CHECKING_OUT cart is claimed for. */
  orderId: text('order_id'),
  /** When the current checkout claim was taken (CHECKING_OUT only). */
  claimedAt: timestamptz('claimed_at'),
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
