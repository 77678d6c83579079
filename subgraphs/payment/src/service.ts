import type { IdempotencyRunner, OrderLookup, PaymentStore } from './ports';
import type { PaymentProvider } from './provider';
import { createCaptureRefund } from './use-cases/capture-refund';
import { createLedger } from './use-cases/ledger-writes';
import { createOrderEvents } from './use-cases/order-events';
import { createPay } from './use-cases/pay';
import { createPaymentReads } from './use-cases/read-payments';

export interface PaymentServiceDeps {
  repo: PaymentStore;
  provider: PaymentProvider;
  orders: OrderLookup;
  idempotent: IdempotencyRunner;
  /** Keys the card fingerprint in request hashes (so a stored hash cannot be brute-forced). */
  fingerprintSecret: string;
  newId: () => string;
}

/**
 * The payment domain, composed of its use cases (`use-cases/`): paying an order, the admin's
 * capture / void / refund, the reactions to order events and the reads of payments.
 */
export function createPaymentService(deps: PaymentServiceDeps) {
  const { repo: store, provider, idempotent } = deps;
  const ledger = createLedger(provider);
  return {
    ...createPay({
      store,
      provider,
      orders: deps.orders,
      ledger,
      idempotent,
      fingerprintSecret: deps.fingerprintSecret,
      newId: deps.newId,
    }),
    ...createCaptureRefund({ store, ledger, idempotent }),
    ...createOrderEvents({ ledger }),
    ...createPaymentReads({ store }),
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
