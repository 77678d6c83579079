import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { withTransaction, type Db } from '@shop/db';
import { appendToOutbox, uuidv7, type NewEvent } from '@shop/events';
import type { PaymentStatus } from './ledger';
import type { PaymentStore } from './ports';
import {
  payments,
  transactions,
  type NewPayment,
  type NewTransaction,
  type PaymentRow,
  type TransactionRow,
} from './tables';

/** The Postgres schema of this subgraph (tables, outbox, processed events, idempotency keys). */
export const PAYMENT_SCHEMA = 'payment';

/**
 * The {@link PaymentStore} over drizzle: every query of the payment subgraph, over the database
 * or over one transaction. Ledger rows are only ever inserted.
 */
export function createPaymentRepo(db: Db): PaymentStore {
  // The reads behind `Order.payments` for a page of orders, prepared once (named statements,
  // one array parameter): drizzle builds the SQL once and Postgres plans it once per
  // connection, instead of a fresh `in ($1 … $50)` per request. Built on first use, so the
  // repos made per transaction (`repo.transaction`) do not prepare anything.
  let prepared: ReturnType<typeof prepare> | undefined;
  const statements = () => (prepared ??= prepare(db));
  const repo: PaymentStore = {
    /** Runs `fn` in one transaction with a repo bound to it. */
    transaction<T>(fn: (tx: PaymentStore) => Promise<T>): Promise<T> {
      return withTransaction(db, (tx) => fn(createPaymentRepo(tx)));
    },

    /** Serialises payment attempts of one order until the end of the transaction. */
    async lockOrder(orderId: string): Promise<void> {
      await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`payment-order:${orderId}`}))`);
    },

    async findPayment(id: string): Promise<PaymentRow | undefined> {
      return (await db.select().from(payments).where(eq(payments.id, id)))[0];
    },

    /** Payments by id (missing ids are absent), in one query. */
    async findPayments(ids: string[]): Promise<PaymentRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(payments).where(inArray(payments.id, ids));
    },

    /** Reads a payment and locks its row until the end of the transaction. */
    async lockPayment(id: string): Promise<PaymentRow | undefined> {
      return (await db.select().from(payments).where(eq(payments.id, id)).for('update'))[0];
    },

    async findByUserKey(userId: string, key: string): Promise<PaymentRow | undefined> {
      return (
        await db
          .select()
          .from(payments)
          .where(and(eq(payments.userId, userId), eq(payments.idempotencyKey, key)))
      )[0];
    },

    /** Payments of some orders, oldest first. */
    async paymentsOfOrders(orderIds: string[]): Promise<PaymentRow[]> {
      if (orderIds.length === 0) return [];
      return statements().paymentsOfOrders.execute({ orderIds });
    },

    /** The ledger of some payments, in creation order. */
    async ledgers(paymentIds: string[]): Promise<TransactionRow[]> {
      if (paymentIds.length === 0) return [];
      return statements().ledgers.execute({ paymentIds });
    },

    async ledger(paymentId: string): Promise<TransactionRow[]> {
      return repo.ledgers([paymentId]);
    },

    async insertPayment(row: NewPayment): Promise<PaymentRow> {
      const [inserted] = await db.insert(payments).values(row).returning();
      return inserted!;
    },

    /**
     * Appends one ledger row; `undefined` when a row with the same (payment, type, idempotency
     * key) already exists (a retried operation).
     */
    async appendTransaction(
      row: Omit<NewTransaction, 'id' | 'createdAt'>,
    ): Promise<TransactionRow | undefined> {
      const [inserted] = await db
        .insert(transactions)
        .values({ ...row, id: uuidv7() })
        .onConflictDoNothing()
        .returning();
      return inserted;
    },

    /** Rewrites the cached status and bumps the version. */
    async setStatus(id: string, status: PaymentStatus): Promise<PaymentRow> {
      const [row] = await db
        .update(payments)
        .set({ status, updatedAt: sql`now()`, version: sql`${payments.version} + 1` })
        .where(eq(payments.id, id))
        .returning();
      return row!;
    },

    async appendEvents(events: NewEvent[]): Promise<void> {
      await appendToOutbox(db, PAYMENT_SCHEMA, events);
    },
  };
  return repo;
}

function prepare(db: Db) {
  return {
    paymentsOfOrders: db
      .select()
      .from(payments)
      .where(sql`${payments.orderId} = any(${sql.placeholder('orderIds')}::uuid[])`)
      .orderBy(asc(payments.createdAt), asc(payments.id))
      .prepare('payment_payments_of_orders'),
    ledgers: db
      .select()
      .from(transactions)
      .where(sql`${transactions.paymentId} = any(${sql.placeholder('paymentIds')}::uuid[])`)
      .orderBy(asc(transactions.id))
      .prepare('payment_ledgers'),
  };
}
