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

/** The Postgres schema this subgraph owns; migrations live in `../migrations`. */
export const notificationSchema = pgSchema('notification');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Latest known state of each order (read model of order.events.v1). */
export const orderStates = notificationSchema.table('order_states', {
  orderId: text('order_id').primaryKey(),
  userId: text('user_id').notNull(),
  number: text('number'),
  status: text('status').notNull(),
  previousStatus: text('previous_status'),
  version: integer('version').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

/** Latest payment state of each order (read model of payment.events.v1). */
export const paymentStates = notificationSchema.table('payment_states', {
  orderId: text('order_id').primaryKey(),
  userId: text('user_id').notNull(),
  paymentId: text('payment_id').notNull(),
  status: text('status').notNull(),
  version: integer('version').notNull(),
  paymentVersion: integer('payment_version').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

/** Latest version of each cart (read model of cart.events.v1). */
export const cartStates = notificationSchema.table('cart_states', {
  cartId: text('cart_id').primaryKey(),
  userId: text('user_id'),
  version: integer('version').notNull(),
  reason: text('reason').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

/** The per-user notification feed. */
export const notifications = notificationSchema.table('notifications', {
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  userId: text('user_id').notNull(),
  eventId: uuid('event_id').notNull(),
  kind: text('kind').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  orderId: text('order_id'),
  data: jsonb('data').notNull().$type<Record<string, unknown>>(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  readAt: timestamptz('read_at'),
});

/** Emails to send, one per notifying event at most. */
export const emailOutbox = notificationSchema.table('email_outbox', {
  id: uuid('id').primaryKey(),
  /** The feed notification it reports; null for account emails (password reset…). */
  notificationId: uuid('notification_id'),
  eventId: uuid('event_id').notNull(),
  userId: text('user_id').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  sentAt: timestamptz('sent_at'),
  /** Explicit address (account emails); null: the account of `user_id`. */
  recipient: text('recipient'),
  /** `password_reset` or `email_verification` for account emails; null otherwise. */
  kind: text('kind'),
});

/**
 * The journal of the state streams: every version published to a topic, so that a resumed
 * subscription gets the versions it missed (`after: <version>`) on any replica.
 */
export const streamItems = notificationSchema.table(
  'stream_items',
  {
    topic: text('topic').notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.topic, table.position] })],
);

export type OrderStateRow = typeof orderStates.$inferSelect;
export type PaymentStateRow = typeof paymentStates.$inferSelect;
export type CartStateRow = typeof cartStates.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
export type StreamItemRow = typeof streamItems.$inferSelect;
