import { fail, type PaymentResult } from '../model';
import type { IdempotencyRunner } from '../ports';

/** Thrown from idempotent work for an answer that must not be stored against the key. */
export class NotStored extends Error {
  constructor(readonly result: PaymentResult) {
    super('not stored');
  }
}

/** Runs `work` under the idempotency key and maps key conflicts to user errors. */
export async function idempotently(
  idempotent: IdempotencyRunner,
  request: { scope: string; key: string; hash: string },
  work: () => Promise<PaymentResult>,
): Promise<PaymentResult> {
  try {
    const outcome = await idempotent(request, work);
    return outcome.ok ? outcome.response : fail(outcome.code, outcome.message);
  } catch (error) {
    if (error instanceof NotStored) return error.result;
    throw error;
  }
}
