import {
  bigint,
  index,
  integer,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { PaymentStatus, TransactionState, TransactionType } from './ledger';

/** The Postgres schema this subgraph owns; migrations live in `../migrations`. */
export const paymentSchema = pgSchema('payment');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const minor = (name: string) => bigint(name, { mode: 'number' });

export const payments = paymentSchema.table(
  'payments',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id').notNull(),
    userId: uuid('user_id').notNull(),
    amount: minor('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status').notNull().$type<PaymentStatus>(),
    cardBrand: text('card_brand').notNull(),
    cardLast4: text('card_last4').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('payments_user_key').on(t.userId, t.idempotencyKey),
    index('payments_order_id_created_at_idx').on(t.orderId, t.createdAt),
  ],
);

/** The append-only ledger (a trigger refuses UPDATE and DELETE). */
export const transactions = paymentSchema.table(
  'transactions',
  {
    id: uuid('id').primaryKey(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    type: text('type').notNull().$type<TransactionType>(),
    state: text('state').notNull().$type<TransactionState>(),
    amount: minor('amount').notNull(),
    currency: text('currency').notNull(),
    pspReference: text('psp_reference'),
    idempotencyKey: text('idempotency_key').notNull(),
    failureCode: text('failure_code'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('transactions_payment_type_key').on(t.paymentId, t.type, t.idempotencyKey),
    index('transactions_payment_id_idx').on(t.paymentId, t.id),
  ],
);

export type PaymentRow = typeof payments.$inferSelect;
export type TransactionRow = typeof transactions.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;
export type NewTransaction = typeof transactions.$inferInsert;
