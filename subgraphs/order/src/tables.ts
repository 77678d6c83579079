import {
  bigint,
  bigserial,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ActorKind, OrderStatus } from './state-machine';

/** The Postgres schema this subgraph owns; migrations live in `../migrations`. */
export const orderSchema = pgSchema('order');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const minor = (name: string) => bigint(name, { mode: 'number' });

/** A shipping address as frozen on the order. */
export interface ShippingAddress {
  fullName: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  countryCode: string;
  phone: string | null;
}

export const orderNumberSeq = orderSchema.sequence('order_number_seq');

export const orders = orderSchema.table('orders', {
  id: uuid('id').primaryKey(),
  seq: minor('seq').notNull(),
  number: text('number').notNull(),
  userId: text('user_id').notNull(),
  cartId: text('cart_id').notNull(),
  status: text('status').notNull().$type<OrderStatus>(),
  currencyCode: text('currency_code').notNull(),
  subtotalAmount: minor('subtotal_amount').notNull(),
  shippingAmount: minor('shipping_amount').notNull(),
  totalAmount: minor('total_amount').notNull(),
  shippingAddress: jsonb('shipping_address').notNull().$type<ShippingAddress>(),
  carrier: text('carrier'),
  trackingNumber: text('tracking_number'),
  shippedAt: timestamptz('shipped_at'),
  version: integer('version').notNull().default(1),
  expiresAt: timestamptz('expires_at').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const orderLines = orderSchema.table(
  'order_lines',
  {
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    variantId: text('variant_id').notNull(),
    productId: text('product_id').notNull(),
    sku: text('sku').notNull(),
    productName: text('product_name').notNull(),
    variantName: text('variant_name').notNull(),
    quantity: integer('quantity').notNull(),
    unitAmount: minor('unit_amount').notNull(),
    currencyCode: text('currency_code').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.position] })],
);

export const orderStatusHistory = orderSchema.table('order_status_history', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  orderId: uuid('order_id')
    .notNull()
    .references(() => orders.id, { onDelete: 'cascade' }),
  fromStatus: text('from_status').$type<OrderStatus>(),
  toStatus: text('to_status').notNull().$type<OrderStatus>(),
  reason: text('reason'),
  actorRole: text('actor_role').notNull().$type<ActorKind>(),
  actorId: text('actor_id'),
  at: timestamptz('at').notNull().defaultNow(),
});

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type OrderHistoryRow = typeof orderStatusHistory.$inferSelect;
