import type { Identity } from '@shop/auth';
import {
  summarize,
  type LedgerEntry,
  type PaymentStatus,
  type TransactionState,
  type TransactionType,
} from './ledger';
import type { PaymentRow, TransactionRow } from './tables';

export type PaymentErrorCode =
  | 'ORDER_NOT_FOUND'
  | 'ORDER_NOT_PAYABLE'
  | 'INVALID_CARD'
  | 'CARD_DECLINED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'OPERATION_IN_PROGRESS'
  | 'PAYMENT_NOT_FOUND'
  | 'INVALID_AMOUNT'
  | 'INVALID_STATE'
  | 'ALREADY_PAID';

export interface Money {
  amount: number;
  currencyCode: string;
}

/** A ledger row as the API shows it. */
export interface TransactionView {
  id: string;
  type: TransactionType;
  state: TransactionState;
  amount: Money;
  pspReference: string | null;
  failureCode: string | null;
  createdAt: string;
}

/** A payment as the API shows it; plain JSON so that idempotent responses can be stored. */
export interface PaymentView {
  id: string;
  orderId: string;
  userId: string;
  status: PaymentStatus;
  amount: Money;
  authorizedAmount: Money;
  capturedAmount: Money;
  refundedAmount: Money;
  card: { brand: string; last4: string };
  transactions: TransactionView[];
  createdAt: string;
  updatedAt: string;
}

/**
 * The outcome of a payment mutation. A failure may still carry the payment (a declined card
 * leaves a DECLINED payment behind).
 */
export type PaymentResult =
  | { ok: true; payment: PaymentView }
  | {
      ok: false;
      code: PaymentErrorCode;
      message: string;
      field?: string[];
      payment?: PaymentView | null;
    };

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export const fail = (
  code: PaymentErrorCode,
  message: string,
  extra: { field?: string[]; payment?: PaymentView | null } = {},
): PaymentResult => ({ ok: false, code, message, ...extra });

export const ORDER_NOT_FOUND = () =>
  fail('ORDER_NOT_FOUND', 'Order not found', { field: ['orderId'] });
export const PAYMENT_NOT_FOUND = () =>
  fail('PAYMENT_NOT_FOUND', 'Payment not found', { field: ['paymentId'] });

const money = (amount: number, currencyCode: string): Money => ({ amount, currencyCode });
const iso = (date: Date | string) => (typeof date === 'string' ? date : date.toISOString());

/** A stored ledger row as the state logic of `ledger.ts` sees it. */
export const entryOf = (row: TransactionRow): LedgerEntry => ({
  type: row.type,
  state: row.state,
  amount: row.amount,
  failureCode: row.failureCode,
});

/** Builds the API view of a payment from its row and its ledger. */
export function toPaymentView(row: PaymentRow, ledger: TransactionRow[]): PaymentView {
  const summary = summarize(ledger.map(entryOf));
  return {
    id: row.id,
    orderId: row.orderId,
    userId: row.userId,
    status: summary.status,
    amount: money(row.amount, row.currency),
    authorizedAmount: money(summary.authorized, row.currency),
    capturedAmount: money(summary.captured, row.currency),
    refundedAmount: money(summary.refunded, row.currency),
    card: { brand: row.cardBrand, last4: row.cardLast4 },
    transactions: ledger.map((t) => ({
      id: t.id,
      type: t.type,
      state: t.state,
      amount: money(t.amount, t.currency),
      pspReference: t.pspReference,
      failureCode: t.failureCode,
      createdAt: iso(t.createdAt),
    })),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** True when `identity` may see a payment of `ownerId`: the owner or an admin. */
export const canSeePayment = (identity: Identity | null, ownerId: string) =>
  !!identity && (identity.userId === ownerId || identity.roles.includes('ADMIN'));
