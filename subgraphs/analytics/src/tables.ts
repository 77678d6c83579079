import {
  bigint,
  doublePrecision,
  integer,
  numeric,
  pgSchema,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/** The Postgres schema this subgraph owns; migrations live in `../migrations`. */
export const analyticsSchema = pgSchema('analytics');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** API usage rollups per minute and per hour, by operation, client and subgraph. */
export const usageRollups = analyticsSchema.table(
  'usage_rollups',
  {
    granularity: text('granularity').notNull(),
    dimension: text('dimension').notNull(),
    bucketStart: timestamptz('bucket_start').notNull(),
    name: text('name').notNull(),
    detail: text('detail').notNull(),
    samples: integer('samples').notNull(),
    requests: numeric('requests').notNull(),
    errors: numeric('errors').notNull(),
    durationSumMs: numeric('duration_sum_ms').notNull(),
    durationMaxMs: doublePrecision('duration_max_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.granularity, t.dimension, t.bucketStart, t.name, t.detail] })],
);

/** Latency histogram buckets of {@link usageRollups}. */
export const usageLatency = analyticsSchema.table(
  'usage_latency',
  {
    granularity: text('granularity').notNull(),
    dimension: text('dimension').notNull(),
    bucketStart: timestamptz('bucket_start').notNull(),
    name: text('name').notNull(),
    detail: text('detail').notNull(),
    leIndex: smallint('le_index').notNull(),
    requests: numeric('requests').notNull(),
  },
  (t) => [
    primaryKey({
      columns: [t.granularity, t.dimension, t.bucketStart, t.name, t.detail, t.leIndex],
    }),
  ],
);

export const orders = analyticsSchema.table('orders', {
  orderId: text('order_id').primaryKey(),
  userId: text('user_id'),
  currency: text('currency').notNull(),
  totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
  createdAt: timestamptz('created_at').notNull(),
});

export const orderLines = analyticsSchema.table(
  'order_lines',
  {
    orderId: text('order_id').notNull(),
    lineNo: integer('line_no').notNull(),
    productId: text('product_id').notNull(),
    variantId: text('variant_id'),
    productName: text('product_name').notNull(),
    quantity: integer('quantity').notNull(),
    unitMinor: bigint('unit_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] })],
);

export const orderMilestones = analyticsSchema.table('order_milestones', {
  orderId: text('order_id').primaryKey(),
  placedAt: timestamptz('placed_at'),
  cancelledAt: timestamptz('cancelled_at'),
});

export const paymentMovements = analyticsSchema.table('payment_movements', {
  eventId: uuid('event_id').primaryKey(),
  paymentId: text('payment_id').notNull(),
  orderId: text('order_id').notNull(),
  kind: text('kind').notNull(),
  amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  currency: text('currency').notNull(),
  occurredAt: timestamptz('occurred_at').notNull(),
});

export const carts = analyticsSchema.table('carts', {
  cartId: text('cart_id').primaryKey(),
  createdAt: timestamptz('created_at'),
  convertedAt: timestamptz('converted_at'),
  orderId: text('order_id'),
});

export type OrderLineRow = typeof orderLines.$inferInsert;
