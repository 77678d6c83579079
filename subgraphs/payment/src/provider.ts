import { createHash } from 'node:crypto';
import { TEST_CARDS, type CardDetails } from './cards';

/**
 * The payment service provider port. Every call carries an idempotency key and the provider is
 * idempotent by it (same key → same result, like Stripe or Adyen), so a retried request never
 * moves money twice.
 */
export interface PaymentProvider {
  authorize(request: AuthorizeRequest): Promise<ProviderResult>;
  /** Completes a 3-D Secure challenge started by `authorize` (`actionRequired`). */
  completeAction(request: CompleteActionRequest): Promise<ProviderResult>;
  capture(request: ReferenceRequest): Promise<ProviderResult>;
  void(request: ReferenceRequest): Promise<ProviderResult>;
  refund(request: ReferenceRequest): Promise<ProviderResult>;
}

export interface MoneyRequest {
  amount: number;
  currency: string;
  idempotencyKey: string;
}
export interface AuthorizeRequest extends MoneyRequest {
  card: CardDetails;
}
export interface ReferenceRequest extends MoneyRequest {
  pspReference: string;
}
export interface CompleteActionRequest extends ReferenceRequest {
  /** Whether the customer passed the challenge. */
  success: boolean;
}

export type ProviderResult =
  | { outcome: 'success'; pspReference: string }
  | { outcome: 'failure'; pspReference: string; code: string }
  | { outcome: 'action_required'; pspReference: string };

type Operation = 'authorize' | 'completeAction' | 'capture' | 'void' | 'refund';

/** One call received by the test provider (for tests that count provider calls). */
export interface ProviderCall {
  operation: Operation;
  idempotencyKey: string;
  amount: number;
  /** False when the key was seen before and the stored result was returned. */
  executed: boolean;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The built-in deterministic provider; behaviour depends on the card number only (see
 * {@link TEST_CARDS}). The card's behaviour is encoded in the `pspReference` so later captures
 * need no memory of the card; results are memoised per idempotency key, and a key reused with
 * different parameters is rejected, like a real PSP.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly calls: ProviderCall[] = [];
  private readonly results = new Map<string, { fingerprint: string; result: ProviderResult }>();

  /** Calls that really executed (not answered from the idempotency memo). */
  executedCalls(operation?: Operation): ProviderCall[] {
    return this.calls.filter((c) => c.executed && (!operation || c.operation === operation));
  }

  authorize(request: AuthorizeRequest): Promise<ProviderResult> {
    const { card, ...rest } = request;
    return this.once('authorize', { ...rest, card: digest(card.number) }, () => {
      const reference = (tag: string) => `tp_${tag}_${digest(request.idempotencyKey).slice(0, 20)}`;
      switch (card.number) {
        case TEST_CARDS.declined:
          return { outcome: 'failure', pspReference: reference('dc'), code: 'card_declined' };
        case TEST_CARDS.insufficientFunds:
          return { outcome: 'failure', pspReference: reference('if'), code: 'insufficient_funds' };
        case TEST_CARDS.requiresAction:
          return { outcome: 'action_required', pspReference: reference('3ds') };
        case TEST_CARDS.captureFails:
          return { outcome: 'success', pspReference: reference('cf') };
        default:
          return { outcome: 'success', pspReference: reference('ok') };
      }
    });
  }

  completeAction(request: CompleteActionRequest): Promise<ProviderResult> {
    return this.once('completeAction', request, () =>
      request.success
        ? { outcome: 'success', pspReference: request.pspReference }
        : {
            outcome: 'failure',
            pspReference: request.pspReference,
            code: 'authentication_failed',
          },
    );
  }

  capture(request: ReferenceRequest): Promise<ProviderResult> {
    return this.once('capture', request, () =>
      request.pspReference.startsWith('tp_cf_')
        ? { outcome: 'failure', pspReference: request.pspReference, code: 'capture_failed' }
        : { outcome: 'success', pspReference: `${request.pspReference}_cap` },
    );
  }

  void(request: ReferenceRequest): Promise<ProviderResult> {
    return this.once('void', request, () => ({
      outcome: 'success',
      pspReference: `${request.pspReference}_void`,
    }));
  }

  refund(request: ReferenceRequest): Promise<ProviderResult> {
    return this.once('refund', request, () => ({
      outcome: 'success',
      pspReference: `${request.pspReference}_ref`,
    }));
  }

  private async once<TRequest extends MoneyRequest>(
    operation: Operation,
    request: TRequest,
    decide: () => ProviderResult,
  ): Promise<ProviderResult> {
    const fingerprint = digest(JSON.stringify({ operation, ...request }));
    const memoKey = `${operation}:${request.idempotencyKey}`;
    const seen = this.results.get(memoKey);
    const call = { operation, idempotencyKey: request.idempotencyKey, amount: request.amount };
    if (seen) {
      this.calls.push({ ...call, executed: false });
      if (seen.fingerprint !== fingerprint) {
        throw new Error(`provider: idempotency key ${request.idempotencyKey} reused`);
      }
      return seen.result;
    }
    this.calls.push({ ...call, executed: true });
    const result = decide();
    this.results.set(memoKey, { fingerprint, result });
    await Promise.resolve();
    return result;
  }
}
