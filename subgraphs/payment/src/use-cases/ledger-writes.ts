import { TOPICS } from '@shop/events';
import {
  ledgerViolations,
  planOperation,
  summarize,
  type Operation,
  type TransactionState,
} from '../ledger';
import { entryOf, fail, PAYMENT_NOT_FOUND, toPaymentView } from '../model';
import type { Ledger, PaymentEventType } from '../ports';
import type { PaymentProvider, ProviderResult } from '../provider';

/** The ledger state of a provider's answer. */
export const stateOf = (result: ProviderResult): TransactionState =>
  result.outcome === 'success' ? 'SUCCESS' : result.outcome === 'failure' ? 'FAILURE' : 'REQUEST';

/** The event of an authorization row, by its state. */
export const AUTH_EVENTS: Record<TransactionState, PaymentEventType> = {
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

/** The {@link Ledger} writes, calling `provider` for captures, voids and refunds. */
export function createLedger(provider: PaymentProvider): Ledger {
  const ledgerWrites: Ledger = {
    async record(tx, payment, ledger, row) {
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
        throw new Error(
          `payment ${payment.id}: ledger invariant violated: ${violations.join('; ')}`,
        );
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
    },

    async operate(tx, paymentId, operation, keys) {
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
      const view = await ledgerWrites.record(tx, payment, ledger, {
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
    },
  };
  return ledgerWrites;
}
