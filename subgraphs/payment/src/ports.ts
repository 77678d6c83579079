import type { EventType, NewEvent } from '@shop/events';
import type { IdempotentOutcome } from '@shop/idempotency';
import type { Operation, PaymentStatus, TransactionState, TransactionType } from './ledger';
import type { PaymentResult, PaymentView } from './model';
import type { NewPayment, NewTransaction, PaymentRow, TransactionRow } from './tables';

/*
 * The interfaces the payment use cases (`use-cases/`) depend on. The payment service provider
 * port, `PaymentProvider`, lives in `provider.ts` next to its test adapter.
 */

/** Every query of the payment subgraph (implemented over drizzle by `createPaymentRepo`). */
export interface PaymentStore {
  /** Runs `fn` in one transaction with a store bound to it. */
  transaction<T>(fn: (tx: PaymentStore) => Promise<T>): Promise<T>;
  lockOrder(orderId: string): Promise<void>;
  findPayment(id: string): Promise<PaymentRow | undefined>;
  findPayments(ids: string[]): Promise<PaymentRow[]>;
  lockPayment(id: string): Promise<PaymentRow | undefined>;
  findByUserKey(userId: string, key: string): Promise<PaymentRow | undefined>;
  paymentsOfOrders(orderIds: string[]): Promise<PaymentRow[]>;
  ledgers(paymentIds: string[]): Promise<TransactionRow[]>;
  ledger(paymentId: string): Promise<TransactionRow[]>;
  insertPayment(row: NewPayment): Promise<PaymentRow>;
  appendTransaction(
    row: Omit<NewTransaction, 'id' | 'createdAt'>,
  ): Promise<TransactionRow | undefined>;
  setStatus(id: string, status: PaymentStatus): Promise<PaymentRow>;
  appendEvents(events: NewEvent[]): Promise<void>;
}

/** What payment needs to know about an order (from the order subgraph's `orderForPayment`). */
export interface OrderForPayment {
  id: string;
  userId: string;
  status: string;
  total: { amount: number; currencyCode: string };
}

/** Reads orders from the order subgraph. */
export interface OrderLookup {
  /** The order, or null when it does not exist. */
  orderForPayment(orderId: string): Promise<OrderForPayment | null>;
}

/** Runs `work` once per (scope, key) with Stripe semantics (see `@shop/idempotency`). */
export type IdempotencyRunner = <T>(
  request: { scope: string; key: string; hash: string },
  work: () => Promise<T>,
) => Promise<IdempotentOutcome<T>>;

/** Where a ledger row comes from: the keys that make it (and the PSP call) happen once. */
export interface RowKeys {
  /** Unique per (payment, type) in the ledger. */
  ledgerKey: string;
  /** Sent to the provider. */
  providerKey: string;
  actor: { userId?: string; role?: string };
}

/** The event types the payment subgraph writes (`payment.events.v1`). */
export type PaymentEventType = Extract<EventType, `payment.${string}`>;

/** One ledger row to append, with the event that announces it. */
export interface LedgerRecord {
  type: TransactionType;
  state: TransactionState;
  amount: number;
  pspReference: string | null;
  failureCode: string | null;
  keys: RowKeys;
  eventType: PaymentEventType;
}

/** The writes of the payment ledger, each inside the caller's transaction `tx`. */
export interface Ledger {
  /**
   * Appends one ledger row, re-derives the status, checks the invariants, rewrites the cached
   * status and writes the event to the outbox. Returns the new view, or undefined when the row
   * already existed (a retry).
   */
  record(
    tx: PaymentStore,
    payment: PaymentRow,
    ledger: TransactionRow[],
    row: LedgerRecord,
  ): Promise<PaymentView | undefined>;
  /**
   * Runs a capture, void or refund of one payment: locks the payment, plans the operation from
   * its ledger, calls the provider (idempotent by `keys.providerKey`) and records the outcome
   * (SUCCESS or FAILURE) with its event.
   */
  operate(
    tx: PaymentStore,
    paymentId: string,
    operation: Operation,
    keys: RowKeys,
  ): Promise<PaymentResult>;
}
