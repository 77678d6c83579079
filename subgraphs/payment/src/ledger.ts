/**
 * The pure state logic of one payment: its status and amounts are DERIVED from the append-only
 * ledger of transactions, never stored independently (the `payments.status` column is a cache
 * rewritten from {@link summarize} with every ledger row). Guards for new operations are
 * {@link planAuthorization}, {@link planConfirmation} and {@link planOperation}.
 */

export type TransactionType = 'AUTHORIZATION' | 'CAPTURE' | 'VOID' | 'REFUND';
/** REQUEST: authorization requested and waiting for the customer (3-D Secure). */
export type TransactionState = 'REQUEST' | 'SUCCESS' | 'FAILURE';

export type PaymentStatus =
  | 'CREATED'
  | 'ACTION_REQUIRED'
  | 'AUTHORIZED'
  | 'DECLINED'
  | 'PARTIALLY_CAPTURED'
  | 'CAPTURED'
  | 'VOIDED'
  | 'PARTIALLY_REFUNDED'
  | 'REFUNDED';

export const PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'CREATED',
  'ACTION_REQUIRED',
  'AUTHORIZED',
  'DECLINED',
  'PARTIALLY_CAPTURED',
  'CAPTURED',
  'VOIDED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
];

/** One ledger row as the state logic sees it. */
export interface LedgerEntry {
  type: TransactionType;
  state: TransactionState;
  /** Minor units; for FAILURE rows the amount that was attempted. */
  amount: number;
  failureCode?: string | null;
}

export interface LedgerSummary {
  status: PaymentStatus;
  authorized: number;
  captured: number;
  refunded: number;
  voided: boolean;
  /** Failure code of the declined authorization, if any. */
  declineCode: string | null;
}

const sum = (entries: readonly LedgerEntry[], type: TransactionType) =>
  entries
    .filter((e) => e.type === type && e.state === 'SUCCESS')
    .reduce((total, e) => total + e.amount, 0);

/** Derives status and amounts from the ledger (rows in creation order). */
export function summarize(entries: readonly LedgerEntry[]): LedgerSummary {
  const authorized = sum(entries, 'AUTHORIZATION');
  const captured = sum(entries, 'CAPTURE');
  const refunded = sum(entries, 'REFUND');
  const voided = entries.some((e) => e.type === 'VOID' && e.state === 'SUCCESS');
  const auths = entries.filter((e) => e.type === 'AUTHORIZATION');
  const authSucceeded = auths.some((e) => e.state === 'SUCCESS');
  const authFailure = auths.find((e) => e.state === 'FAILURE');
  const base = { authorized, captured, refunded, voided, declineCode: null };

  if (!authSucceeded) {
    if (authFailure) {
      return { ...base, status: 'DECLINED', declineCode: authFailure.failureCode ?? 'declined' };
    }
    const pending = auths.some((e) => e.state === 'REQUEST');
    return { ...base, status: pending ? 'ACTION_REQUIRED' : 'CREATED' };
  }
  if (voided) return { ...base, status: 'VOIDED' };
  if (refunded > 0) {
    return { ...base, status: refunded >= captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED' };
  }
  if (captured > 0) {
    return { ...base, status: captured >= authorized ? 'CAPTURED' : 'PARTIALLY_CAPTURED' };
  }
  return { ...base, status: 'AUTHORIZED' };
}

export type PlanFailureCode = 'INVALID_STATE' | 'INVALID_AMOUNT';
export type Plan =
  | { ok: true; type: TransactionType; amount: number }
  | { ok: false; code: PlanFailureCode; message: string };

const invalidState = (message: string): Plan => ({ ok: false, code: 'INVALID_STATE', message });
const invalidAmount = (message: string): Plan => ({ ok: false, code: 'INVALID_AMOUNT', message });

/** An authorization (of `amount`) may start only on a fresh payment. */
export function planAuthorization(summary: LedgerSummary, amount: number): Plan {
  if (summary.status !== 'CREATED') return invalidState(`Payment is ${summary.status}`);
  if (!Number.isSafeInteger(amount) || amount <= 0) return invalidAmount('Amount must be > 0');
  return { ok: true, type: 'AUTHORIZATION', amount };
}

/** A 3-D Secure challenge may be completed only while the payment waits for it. */
export function planConfirmation(summary: LedgerSummary, amount: number): Plan {
  if (summary.status !== 'ACTION_REQUIRED') {
    return invalidState(`Payment is ${summary.status}, not ACTION_REQUIRED`);
  }
  return { ok: true, type: 'AUTHORIZATION', amount };
}

export type Operation =
  | { kind: 'capture'; amount?: number | null | undefined }
  | { kind: 'refund'; amount?: number | null | undefined }
  | { kind: 'void' };

/** What may still be captured / refunded. */
export const capturable = (s: LedgerSummary) =>
  s.status === 'AUTHORIZED' || s.status === 'PARTIALLY_CAPTURED' ? s.authorized - s.captured : 0;
export const refundable = (s: LedgerSummary) =>
  s.status === 'PARTIALLY_CAPTURED' || s.status === 'CAPTURED' || s.status === 'PARTIALLY_REFUNDED'
    ? s.captured - s.refunded
    : 0;

/**
 * Decides whether a capture, void or refund may run and for which amount (default: everything
 * still capturable / refundable). Captures are allowed while AUTHORIZED or PARTIALLY_CAPTURED
 * (never after a void or a refund); a void only before any capture; refunds up to what was
 * captured.
 */
export function planOperation(summary: LedgerSummary, operation: Operation): Plan {
  const checkAmount = (requested: number | null | undefined, limit: number, what: string) => {
    const amount = requested ?? limit;
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      return invalidAmount('Amount must be a positive whole number of minor units');
    }
    if (amount > limit) return invalidAmount(`At most ${limit} can be ${what}`);
    return undefined;
  };
  switch (operation.kind) {
    case 'capture': {
      const limit = capturable(summary);
      if (limit <= 0) return invalidState(`A ${summary.status} payment cannot be captured`);
      const failure = checkAmount(operation.amount, limit, 'captured');
      return failure ?? { ok: true, type: 'CAPTURE', amount: operation.amount ?? limit };
    }
    case 'refund': {
      const limit = refundable(summary);
      if (limit <= 0) return invalidState(`A ${summary.status} payment cannot be refunded`);
      const failure = checkAmount(operation.amount, limit, 'refunded');
      return failure ?? { ok: true, type: 'REFUND', amount: operation.amount ?? limit };
    }
    case 'void':
      if (summary.status !== 'AUTHORIZED') {
        return invalidState(`A ${summary.status} payment cannot be voided`);
      }
      return { ok: true, type: 'VOID', amount: summary.authorized };
  }
}

/**
 * Invariants every ledger must satisfy; returns the violations (empty when sound). Used by the
 * property test and as a last check before a new row is written.
 */
export function ledgerViolations(entries: readonly LedgerEntry[]): string[] {
  const problems: string[] = [];
  const s = summarize(entries);
  if (s.captured > s.authorized) problems.push(`captured ${s.captured} > authorized`);
  if (s.refunded > s.captured) problems.push(`refunded ${s.refunded} > captured`);
  if (entries.filter((e) => e.type === 'AUTHORIZATION' && e.state === 'SUCCESS').length > 1) {
    problems.push('more than one successful authorization');
  }
  const voidAt = entries.findIndex((e) => e.type === 'VOID' && e.state === 'SUCCESS');
  if (voidAt >= 0) {
    if (s.captured > 0) problems.push('voided after a capture');
    if (entries.slice(voidAt + 1).some((e) => e.state === 'SUCCESS')) {
      problems.push('money moved after a void');
    }
  }
  if (entries.some((e) => !Number.isSafeInteger(e.amount) || e.amount < 0)) {
    problems.push('amount is not a non-negative integer');
  }
  return problems;
}
