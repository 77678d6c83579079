import {
  bigint,
  char,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type { VariantAttribute } from './model';

/** The Postgres schema this subgraph owns; `migrations/` creates these tables. */
export const productSchema = pgSchema('product');

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3, mode: 'date' })
    .notNull()
    .defaultNow(),
};

export const categories = productSchema.table('categories', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull().unique('categories_slug_key'),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  parentId: uuid('parent_id').references((): AnyPgColumn => categories.id),
  position: integer('position').notNull().default(0),
  ...timestamps,
});

export const products = productSchema.table('products', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull().unique('products_slug_key'),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  status: text('status', { enum: ['DRAFT', 'PUBLISHED'] })
    .notNull()
    .default('DRAFT'),
  categoryId: uuid('category_id').references(() => categories.id),
  ...timestamps,
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3, mode: 'date' })
    .notNull()
    .defaultNow(),
});

export const variants = productSchema.table('variants', {
  id: uuid('id').primaryKey(),
  productId: uuid('product_id')
    .notNull()
    .references(() => products.id, { onDelete: 'cascade' }),
  sku: text('sku').notNull().unique('variants_sku_key'),
  name: text('name').notNull(),
  priceAmount: bigint('price_amount', { mode: 'number' }).notNull(),
  currency: char('currency', { length: 3 }).notNull(),
  stockOnHand: integer('stock_on_hand').notNull(),
  attributes: jsonb('attributes').$type<VariantAttribute[]>().notNull().default([]),
  position: integer('position').notNull().default(0),
  ...timestamps,
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3, mode: 'date' })
    .notNull()
    .defaultNow(),
});

export type CategoryRow = typeof categories.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type VariantRow = typeof variants.$inferSelect;
