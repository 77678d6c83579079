import { isUuid } from '@shop/primitives';
import { createHmac } from 'node:crypto';
import type { Identity } from '@shop/auth';
import { requestHash } from '@shop/idempotency';
import { checkCard, type CardDetails } from '../cards';
import { planAuthorization, planConfirmation, summarize, type PaymentStatus } from '../ledger';
import {
  entryOf,
  fail,
  ORDER_NOT_FOUND,
  PAYMENT_NOT_FOUND,
  toPaymentView,
  type CardInput,
  type PaymentResult,
  type PaymentView,
} from '../model';
import type { IdempotencyRunner, Ledger, OrderLookup, PaymentStore, RowKeys } from '../ports';
import type { PaymentProvider } from '../provider';
import { AUTH_EVENTS, stateOf } from './ledger-writes';
import { idempotently, NotStored } from './idempotently';
import { viewOf } from './read-payments';

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

export interface PayDeps {
  store: PaymentStore;
  provider: PaymentProvider;
  orders: OrderLookup;
  ledger: Ledger;
  idempotent: IdempotencyRunner;
  /** Keys the card fingerprint in request hashes (so a stored hash cannot be brute-forced). */
  fingerprintSecret: string;
  newId: () => string;
}

/** A declined payment is a CARD_DECLINED user error that still carries the payment. */
function resultOf(view: PaymentView): PaymentResult {
  if (view.status === 'DECLINED') {
    const code = view.transactions.find((t) => t.state === 'FAILURE')?.failureCode ?? 'declined';
    return fail('CARD_DECLINED', `The card was declined: ${code}`, { payment: view });
  }
  return { ok: true, payment: view };
}

/** The customer's side of a payment: authorizing an order's total and completing 3-D Secure. */
export function createPay(deps: PayDeps) {
  const { store, provider, orders, ledger: ledgerWrites } = deps;

  const fingerprint = (card: CardDetails) =>
    createHmac('sha256', deps.fingerprintSecret).update(card.number).digest('hex');

  /** The authorization part of payOrder, after the idempotency claim. */
  async function authorizeOrder(
    userId: string,
    orderId: string,
    card: { details: CardDetails; brand: string; last4: string },
    key: string,
  ): Promise<PaymentResult> {
    const order = await orders.orderForPayment(orderId);
    if (!order || order.userId !== userId) return ORDER_NOT_FOUND();

    const start = await store.transaction(async (tx) => {
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
      return resultOf(toPaymentView(payment, await store.ledger(payment.id)));
    }

    const result = await provider.authorize({
      amount: payment.amount,
      currency: payment.currency,
      idempotencyKey: `authorize:${payment.id}`,
      card: card.details,
    });
    const state = stateOf(result);
    const view = await store.transaction(async (tx) => {
      const locked = (await tx.lockPayment(payment.id))!;
      const ledger = await tx.ledger(payment.id);
      const plan = planAuthorization(summarize(ledger.map(entryOf)), locked.amount);
      if (!plan.ok) return toPaymentView(locked, ledger);
      const recorded = await ledgerWrites.record(tx, locked, ledger, {
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
    return resultOf(view);
  }

  return {
    /** Authorizes the full total of one of the caller's orders with a card. */
    async payOrder(
      identity: Identity,
      input: { orderId: string; card: CardInput; idempotencyKey: string },
    ): Promise<PaymentResult> {
      if (!isUuid(input.orderId)) return ORDER_NOT_FOUND();
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
      return idempotently(
        deps.idempotent,
        { scope: identity.userId, key: input.idempotencyKey, hash },
        () =>
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
      if (!isUuid(paymentId)) return PAYMENT_NOT_FOUND();
      const existing = await store.findPayment(paymentId);
      if (!existing || existing.userId !== identity.userId) return PAYMENT_NOT_FOUND();
      const result = await store.transaction(async (tx): Promise<PaymentResult> => {
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
          const view = await ledgerWrites.record(tx, payment, ledger, {
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
        const view = await ledgerWrites.record(tx, payment, ledger, {
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
      return result;
    },
  };
}
