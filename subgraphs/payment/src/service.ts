import { createHmac } from 'node:crypto';
import type { Identity } from '@shop/auth';
import { TOPICS, type DomainEvent, type EventType } from '@shop/events';
import { requestHash, type IdempotentOutcome } from '@shop/idempotency';
import { checkCard, type CardDetails } from './cards';
import {
  ledgerViolations,
  planAuthorization,
  planConfirmation,
  planOperation,
  summarize,
  type LedgerEntry,
  type Operation,
  type PaymentStatus,
  type TransactionState,
  type TransactionType,
} from './ledger';
import type { OrderDirectory } from './orders';
import type { PaymentProvider, ProviderResult } from './provider';
import type { PaymentRepo } from './repo';
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

/** Runs `work` once per (scope, key) with Stripe semantics (see `@shop/idempotency`). */
export type IdempotencyRunner = <T>(
  request: { scope: string; key: string; hash: string },
  work: () => Promise<T>,
) => Promise<IdempotentOutcome<T>>;

export interface PaymentServiceDeps {
  repo: PaymentRepo;
  provider: PaymentProvider;
  orders: OrderDirectory;
  idempotent: IdempotencyRunner;
  /** Keys the card fingerprint in request hashes (so a stored hash cannot be brute-forced). */
  fingerprintSecret: string;
  newId: () => string;
  /** Called after a committed change that wrote outbox rows (wakes the relay). */
  onCommitted?: () => void;
}

/** Payments that hold or held the order's money: a further payOrder is ALREADY_PAID. */
const PAID_STATUSES = new Set<PaymentStatus>([
  'AUTHORIZED',
  'PARTIALLY_CAPTURED',
  'CAPTURED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
]);
/** A CREATED payment younger than this is an authorization in flight. */
const IN_FLIGHT_MS = 60_000;
const PAYABLE_ORDER_STATUS = 'PENDING_PAYMENT';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const fail = (
  code: PaymentErrorCode,
  message: string,
  extra: { field?: string[]; payment?: PaymentView | null } = {},
): PaymentResult => ({ ok: false, code, message, ...extra });

const ORDER_NOT_FOUND = () => fail('ORDER_NOT_FOUND', 'Order not found', { field: ['orderId'] });
const PAYMENT_NOT_FOUND = () =>
  fail('PAYMENT_NOT_FOUND', 'Payment not found', { field: ['paymentId'] });

const money = (amount: number, currencyCode: string): Money => ({ amount, currencyCode });
const iso = (date: Date | string) => (typeof date === 'string' ? date : date.toISOString());

const entryOf = (row: TransactionRow): LedgerEntry => ({
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

const stateOf = (result: ProviderResult): TransactionState =>
  result.outcome === 'success' ? 'SUCCESS' : result.outcome === 'failure' ? 'FAILURE' : 'REQUEST';

/** The event types the payment subgraph writes (`payment.events.v1`). */
type PaymentEventType = Extract<EventType, `payment.${string}`>;

const AUTH_EVENTS: Record<TransactionState, PaymentEventType> = {
  SUCCESS: 'payment.authorized',
  FAILURE: 'payment.declined',
  REQUEST: 'payment.action_required',
};
const OPERATION_EVENTS: Record<
  Operation['kind'],
  { success: PaymentEventType; failure: PaymentEventType }
> = {
  capture: { success: 'payment.captured', failure: 'payment.capture_failed' },
  void: { success: 'payment.voided', failure: 'payment.void_failed' },
  refund: { success: 'payment.refunded', failure: 'payment.refund_failed' },
};

/** Thrown from idempotent work for an answer that must not be stored against the key. */
class NotStored extends Error {
  constructor(readonly result: PaymentResult) {
    super('not stored');
  }
}

/** Where a ledger row comes from: the keys that make it (and the PSP call) happen once. */
interface RowKeys {
  /** Unique per (payment, type) in the ledger. */
  ledgerKey: string;
  /** Sent to the provider. */
  providerKey: string;
  actor: { userId?: string; role?: string };
}

export function createPaymentService(deps: PaymentServiceDeps) {
  const { repo, provider, orders } = deps;
  const committed = () => deps.onCommitted?.();

  const fingerprint = (card: CardDetails) =>
    createHmac('sha256', deps.fingerprintSecret).update(card.number).digest('hex');

  /**
   * Appends one ledger row (inside `tx`), re-derives the status, checks the invariants, rewrites
   * the cached status and writes the event to the outbox. Returns the new view, or undefined
   * when the row already existed (a retry).
   */
  async function record(
    tx: PaymentRepo,
    payment: PaymentRow,
    ledger: TransactionRow[],
    row: {
      type: TransactionType;
      state: TransactionState;
      amount: number;
      pspReference: string | null;
      failureCode: string | null;
      keys: RowKeys;
      eventType: PaymentEventType;
    },
  ): Promise<PaymentView | undefined> {
    const inserted = await tx.appendTransaction({
      paymentId: payment.id,
      type: row.type,
      state: row.state,
      amount: row.amount,
      currency: payment.currency,
      pspReference: row.pspReference,
      idempotencyKey: row.keys.ledgerKey,
      failureCode: row.failureCode,
    });
    if (!inserted) return undefined;
    const entries = [...ledger, inserted];
    const violations = ledgerViolations(entries.map(entryOf));
    if (violations.length > 0) {
      throw new Error(`payment ${payment.id}: ledger invariant violated: ${violations.join('; ')}`);
    }
    const summary = summarize(entries.map(entryOf));
    const updated = await tx.setStatus(payment.id, summary.status);
    await tx.appendEvents([
      {
        type: row.eventType,
        source: 'payment',
        topic: TOPICS.payment,
        subject: payment.orderId,
        sequence: updated.version,
        idempotencyKey: row.keys.ledgerKey.slice(0, 512),
        actor: row.keys.actor,
        data: {
          paymentId: payment.id,
          orderId: payment.orderId,
          userId: payment.userId,
          amount: { amountMinor: row.amount, currency: payment.currency },
          status: summary.status,
          ...(row.state === 'FAILURE' && row.failureCode ? { declineCode: row.failureCode } : {}),
        },
      },
    ]);
    return toPaymentView(updated, entries);
  }

  async function viewOf(tx: PaymentRepo, paymentId: string): Promise<PaymentView | null> {
    const row = await tx.findPayment(paymentId);
    return row ? toPaymentView(row, await tx.ledger(row.id)) : null;
  }

  /**
   * Runs a capture, void or refund of one payment inside `tx`: locks the payment, plans the
   * operation from its ledger, calls the provider (idempotent by `keys.providerKey`) and records
   * the outcome (SUCCESS or FAILURE) with its event.
   */
  async function operate(
    tx: PaymentRepo,
    paymentId: string,
    operation: Operation,
    keys: RowKeys,
  ): Promise<PaymentResult> {
    const payment = await tx.lockPayment(paymentId);
    if (!payment) return PAYMENT_NOT_FOUND();
    const ledger = await tx.ledger(paymentId);
    const plan = planOperation(summarize(ledger.map(entryOf)), operation);
    if (!plan.ok) {
      return fail(plan.code, plan.message, {
        field: plan.code === 'INVALID_AMOUNT' ? ['amount'] : ['paymentId'],
        payment: toPaymentView(payment, ledger),
      });
    }
    const authorization = ledger.find((t) => t.type === 'AUTHORIZATION' && t.state === 'SUCCESS');
    const request = {
      amount: plan.amount,
      currency: payment.currency,
      idempotencyKey: keys.providerKey,
      pspReference: authorization?.pspReference ?? '',
    };
    const result =
      operation.kind === 'capture'
        ? await provider.capture(request)
        : operation.kind === 'void'
          ? await provider.void(request)
          : await provider.refund(request);
    const state = result.outcome === 'success' ? 'SUCCESS' : 'FAILURE';
    const events = OPERATION_EVENTS[operation.kind];
    const view = await record(tx, payment, ledger, {
      type: plan.type,
      state,
      amount: plan.amount,
      pspReference: result.pspReference,
      failureCode: result.outcome === 'failure' ? result.code : null,
      keys,
      eventType: state === 'SUCCESS' ? events.success : events.failure,
    });
    const current = view ?? toPaymentView(payment, await tx.ledger(paymentId));
    if (result.outcome === 'failure') {
      return fail('CARD_DECLINED', `The provider refused the ${operation.kind}: ${result.code}`, {
        payment: current,
      });
    }
    return { ok: true, payment: current };
  }

  /** The authorization part of payOrder, after the idempotency claim. */
  async function authorizeOrder(
    userId: string,
    orderId: string,
    card: { details: CardDetails; brand: string; last4: string },
    key: string,
  ): Promise<PaymentResult> {
    const order = await orders.orderForPayment(orderId);
    if (!order || order.userId !== userId) return ORDER_NOT_FOUND();

    const start = await repo.transaction(async (tx) => {
      await tx.lockOrder(orderId);
      const retried = await tx.findByUserKey(userId, key);
      if (retried) return { payment: retried };
      const siblings = await tx.paymentsOfOrders([orderId]);
      if (siblings.some((p) => PAID_STATUSES.has(p.status))) {
        return fail('ALREADY_PAID', 'This order has already been paid', { field: ['orderId'] });
      }
      if (order.status !== PAYABLE_ORDER_STATUS) {
        return fail('ORDER_NOT_PAYABLE', `The order is ${order.status} and cannot be paid`, {
          field: ['orderId'],
        });
      }
      const inFlight = siblings.some(
        (p) => p.status === 'CREATED' && Date.now() - p.createdAt.getTime() < IN_FLIGHT_MS,
      );
      if (inFlight) {
        // a conflict with a concurrent request is not stored against the key (Stripe): retryable
        throw new NotStored(
          fail('OPERATION_IN_PROGRESS', 'Another payment of this order is in progress'),
        );
      }
      const payment = await tx.insertPayment({
        id: deps.newId(),
        orderId,
        userId,
        amount: order.total.amount,
        currency: order.total.currencyCode,
        status: 'CREATED',
        cardBrand: card.brand,
        cardLast4: card.last4,
        idempotencyKey: key,
      });
      return { payment };
    });
    if ('ok' in start) return start;
    const { payment } = start;
    if (payment.status !== 'CREATED') {
      // an earlier execution of this key got as far as the ledger
      return resultOf(toPaymentView(payment, await repo.ledger(payment.id)));
    }

    const result = await provider.authorize({
      amount: payment.amount,
      currency: payment.currency,
      idempotencyKey: `authorize:${payment.id}`,
      card: card.details,
    });
    const state = stateOf(result);
    const view = await repo.transaction(async (tx) => {
      const locked = (await tx.lockPayment(payment.id))!;
      const ledger = await tx.ledger(payment.id);
      const plan = planAuthorization(summarize(ledger.map(entryOf)), locked.amount);
      if (!plan.ok) return toPaymentView(locked, ledger);
      const recorded = await record(tx, locked, ledger, {
        type: 'AUTHORIZATION',
        state,
        amount: locked.amount,
        pspReference: result.pspReference,
        failureCode: result.outcome === 'failure' ? result.code : null,
        keys: {
          ledgerKey: `authorize:${key}`,
          providerKey: `authorize:${payment.id}`,
          actor: { userId },
        },
        eventType: AUTH_EVENTS[state],
      });
      return recorded ?? toPaymentView(locked, await tx.ledger(payment.id));
    });
    committed();
    return resultOf(view);
  }

  /** A declined payment is a CARD_DECLINED user error that still carries the payment. */
  function resultOf(view: PaymentView): PaymentResult {
    if (view.status === 'DECLINED') {
      const code = view.transactions.find((t) => t.state === 'FAILURE')?.failureCode ?? 'declined';
      return fail('CARD_DECLINED', `The card was declined: ${code}`, { payment: view });
    }
    return { ok: true, payment: view };
  }

  /** Runs `work` under the idempotency key and maps key conflicts to user errors. */
  async function idempotently(
    request: { scope: string; key: string; hash: string },
    work: () => Promise<PaymentResult>,
  ): Promise<PaymentResult> {
    try {
      const outcome = await deps.idempotent(request, work);
      return outcome.ok ? outcome.response : fail(outcome.code, outcome.message);
    } catch (error) {
      if (error instanceof NotStored) return error.result;
      throw error;
    }
  }

  return {
    /** Authorizes the full total of one of the caller's orders with a card. */
    async payOrder(
      identity: Identity,
      input: { orderId: string; card: CardInput; idempotencyKey: string },
    ): Promise<PaymentResult> {
      if (!UUID.test(input.orderId)) return ORDER_NOT_FOUND();
      const checked = checkCard(input.card);
      if (!checked.ok) {
        return fail('INVALID_CARD', checked.message, { field: ['card', checked.field] });
      }
      const hash = requestHash({
        operation: 'payOrder',
        orderId: input.orderId.toLowerCase(),
        card: fingerprint(checked.card),
        expiry: `${checked.card.expMonth}/${checked.card.expYear}`,
      });
      return idempotently({ scope: identity.userId, key: input.idempotencyKey, hash }, () =>
        authorizeOrder(
          identity.userId,
          input.orderId.toLowerCase(),
          { details: checked.card, brand: checked.brand, last4: checked.last4 },
          input.idempotencyKey,
        ),
      );
    },

    /** Completes (or fails) the 3-D Secure challenge of one of the caller's payments. */
    async confirmPaymentAction(
      identity: Identity,
      paymentId: string,
      success: boolean,
    ): Promise<PaymentResult> {
      if (!UUID.test(paymentId)) return PAYMENT_NOT_FOUND();
      const existing = await repo.findPayment(paymentId);
      if (!existing || existing.userId !== identity.userId) return PAYMENT_NOT_FOUND();
      const result = await repo.transaction(async (tx): Promise<PaymentResult> => {
        await tx.lockOrder(existing.orderId);
        const payment = (await tx.lockPayment(paymentId))!;
        const ledger = await tx.ledger(paymentId);
        const plan = planConfirmation(summarize(ledger.map(entryOf)), payment.amount);
        if (!plan.ok) {
          return fail(plan.code, plan.message, { payment: toPaymentView(payment, ledger) });
        }
        const keys: RowKeys = {
          ledgerKey: 'action:confirm',
          providerKey: `action:${paymentId}`,
          actor: { userId: identity.userId },
        };
        const siblings = await tx.paymentsOfOrders([payment.orderId]);
        if (siblings.some((p) => p.id !== payment.id && PAID_STATUSES.has(p.status))) {
          const view = await record(tx, payment, ledger, {
            type: 'AUTHORIZATION',
            state: 'FAILURE',
            amount: payment.amount,
            pspReference: null,
            failureCode: 'already_paid',
            keys,
            eventType: AUTH_EVENTS.FAILURE,
          });
          return fail('ALREADY_PAID', 'This order has already been paid', { payment: view });
        }
        const pending = ledger.find((t) => t.type === 'AUTHORIZATION' && t.state === 'REQUEST');
        const outcome = await provider.completeAction({
          amount: payment.amount,
          currency: payment.currency,
          idempotencyKey: keys.providerKey,
          pspReference: pending?.pspReference ?? '',
          success,
        });
        const state = stateOf(outcome);
        const view = await record(tx, payment, ledger, {
          type: 'AUTHORIZATION',
          state,
          amount: payment.amount,
          pspReference: outcome.pspReference,
          failureCode: outcome.outcome === 'failure' ? outcome.code : null,
          keys,
          eventType: AUTH_EVENTS[state],
        });
        return resultOf(view ?? (await viewOf(tx, paymentId))!);
      });
      committed();
      return result;
    },

    /** Admin: captures (part of) an authorization. */
    capture(
      admin: Identity,
      input: { paymentId: string; amount?: number | null; idempotencyKey: string },
    ) {
      return adminOperation(admin, input, { kind: 'capture', amount: input.amount });
    },

    /** Admin: voids an authorization that has not been captured. */
    void(admin: Identity, input: { paymentId: string; idempotencyKey: string }) {
      return adminOperation(admin, input, { kind: 'void' });
    },

    /** Admin: refunds (part of) the captured money. */
    refund(
      admin: Identity,
      input: { paymentId: string; amount?: number | null; idempotencyKey: string },
    ) {
      return adminOperation(admin, input, { kind: 'refund', amount: input.amount });
    },

    /** A payment visible to the caller (owner or admin), else null. */
    async payment(identity: Identity | null, id: string): Promise<PaymentView | null> {
      if (!UUID.test(id)) return null;
      const view = await viewOf(repo, id);
      return view && canSeePayment(identity, view.userId) ? view : null;
    },

    /**
     * Payments by id, only those the caller may see (others are absent, like missing ones):
     * two queries for any number of ids (the payments, then their ledgers).
     */
    async paymentsFor(identity: Identity | null, ids: string[]): Promise<Map<string, PaymentView>> {
      const found = new Map<string, PaymentView>();
      if (!identity) return found;
      const rows = (await repo.findPayments(ids.filter((id) => UUID.test(id)))).filter((row) =>
        canSeePayment(identity, row.userId),
      );
      const ledgers = await repo.ledgers(rows.map((row) => row.id));
      for (const row of rows) {
        found.set(
          row.id,
          toPaymentView(
            row,
            ledgers.filter((t) => t.paymentId === row.id),
          ),
        );
      }
      return found;
    },

    /** Payments of orders (oldest first), only those the caller may see. */
    async paymentsOfOrders(
      identity: Identity | null,
      orderIds: string[],
    ): Promise<Map<string, PaymentView[]>> {
      const byOrder = new Map<string, PaymentView[]>(orderIds.map((id) => [id, []]));
      if (!identity) return byOrder;
      const rows = (await repo.paymentsOfOrders(orderIds.filter((id) => UUID.test(id)))).filter(
        (row) => canSeePayment(identity, row.userId),
      );
      const ledgers = await repo.ledgers(rows.map((row) => row.id));
      for (const row of rows) {
        const ledger = ledgers.filter((t) => t.paymentId === row.id);
        byOrder.get(row.orderId)?.push(toPaymentView(row, ledger));
      }
      return byOrder;
    },

    /**
     * Reacts to an order event inside the consumer's transaction `tx`: `order.shipped` captures
     * what is still authorized; `order.cancelled` / `order.expired` void an authorization or
     * refund captured money (and close a payment still waiting for 3-D Secure).
     */
    async handleOrderEvent(envelope: DomainEvent, tx: PaymentRepo): Promise<void> {
      if (envelope.topic !== TOPICS.order) return;
      const { orderId } = envelope.data;
      const shipped = envelope.type === 'order.shipped';
      const closed = envelope.type === 'order.cancelled' || envelope.type === 'order.expired';
      if ((!shipped && !closed) || !UUID.test(orderId)) return;
      await tx.lockOrder(orderId);
      const keysFor = (paymentId: string, kind: string): RowKeys => ({
        ledgerKey: `event:${envelope.id}`,
        providerKey: `${kind}:${paymentId}:event:${envelope.id}`,
        actor: { role: 'SERVICE', userId: 'service:payment' },
      });
      for (const payment of await tx.paymentsOfOrders([orderId])) {
        const status = payment.status;
        if (shipped) {
          if (status === 'AUTHORIZED' || status === 'PARTIALLY_CAPTURED') {
            await operate(tx, payment.id, { kind: 'capture' }, keysFor(payment.id, 'capture'));
          }
          continue;
        }
        if (status === 'AUTHORIZED') {
          await operate(tx, payment.id, { kind: 'void' }, keysFor(payment.id, 'void'));
        } else if (
          status === 'PARTIALLY_CAPTURED' ||
          status === 'CAPTURED' ||
          status === 'PARTIALLY_REFUNDED'
        ) {
          await operate(tx, payment.id, { kind: 'refund' }, keysFor(payment.id, 'refund'));
        } else if (status === 'ACTION_REQUIRED') {
          const locked = (await tx.lockPayment(payment.id))!;
          await record(tx, locked, await tx.ledger(payment.id), {
            type: 'AUTHORIZATION',
            state: 'FAILURE',
            amount: locked.amount,
            pspReference: null,
            failureCode: 'order_closed',
            keys: keysFor(payment.id, 'close'),
            eventType: AUTH_EVENTS.FAILURE,
          });
        }
      }
      committed();
    },
  };

  async function adminOperation(
    admin: Identity,
    input: { paymentId: string; idempotencyKey: string },
    operation: Operation,
  ): Promise<PaymentResult> {
    if (!UUID.test(input.paymentId)) return PAYMENT_NOT_FOUND();
    const amount = operation.kind === 'void' ? undefined : operation.amount;
    if (amount !== undefined && amount !== null && amount <= 0) {
      return fail('INVALID_AMOUNT', 'Amount must be a positive number of minor units', {
        field: ['amount'],
      });
    }
    const paymentId = input.paymentId.toLowerCase();
    const hash = requestHash({ operation: operation.kind, paymentId, amount: amount ?? null });
    const result = await idempotently(
      { scope: admin.userId, key: input.idempotencyKey, hash },
      () =>
        repo.transaction((tx) =>
          operate(tx, paymentId, operation, {
            ledgerKey: `${operation.kind}:${input.idempotencyKey}`,
            providerKey: `${operation.kind}:${paymentId}:${input.idempotencyKey}`,
            actor: { userId: admin.userId, role: 'ADMIN' },
          }),
        ),
    );
    committed();
    return result;
  }
}

export type PaymentService = ReturnType<typeof createPaymentService>;
