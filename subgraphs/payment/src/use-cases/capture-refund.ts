import { isUuid } from '@shop/primitives';
import type { Identity } from '@shop/auth';
import { requestHash } from '@shop/idempotency';
import type { Operation } from '../ledger';
import { fail, PAYMENT_NOT_FOUND, type PaymentResult } from '../model';
import type { IdempotencyRunner, Ledger, PaymentStore } from '../ports';
import { idempotently } from './idempotently';

export interface CaptureRefundDeps {
  store: PaymentStore;
  ledger: Ledger;
  idempotent: IdempotencyRunner;
}

/** The admin's money movements on an authorized payment: capture, void and refund. */
export function createCaptureRefund(deps: CaptureRefundDeps) {
  const { store, ledger } = deps;

  async function adminOperation(
    admin: Identity,
    input: { paymentId: string; idempotencyKey: string },
    operation: Operation,
  ): Promise<PaymentResult> {
    if (!isUuid(input.paymentId)) return PAYMENT_NOT_FOUND();
    const amount = operation.kind === 'void' ? undefined : operation.amount;
    if (amount !== undefined && amount !== null && amount <= 0) {
      return fail('INVALID_AMOUNT', 'Amount must be a positive number of minor units', {
        field: ['amount'],
      });
    }
    const paymentId = input.paymentId.toLowerCase();
    const hash = requestHash({ operation: operation.kind, paymentId, amount: amount ?? null });
    const result = await idempotently(
      deps.idempotent,
      { scope: admin.userId, key: input.idempotencyKey, hash },
      () =>
        store.transaction((tx) =>
          ledger.operate(tx, paymentId, operation, {
            ledgerKey: `${operation.kind}:${input.idempotencyKey}`,
            providerKey: `${operation.kind}:${paymentId}:${input.idempotencyKey}`,
            actor: { userId: admin.userId, role: 'ADMIN' },
          }),
        ),
    );
    return result;
  }

  return {
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
  };
}
