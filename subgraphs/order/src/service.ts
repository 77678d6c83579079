import type { Database } from '@shop/db';
import { runIdempotent } from '@shop/idempotency';
import { log } from '@shop/log';
import type { CartPort, Logger, OrderPorts, OrderStore, StockPort } from './ports';
import { ORDER_SCHEMA } from './repo';
import { createCheckout } from './use-cases/checkout';
import { createOrderExpiry } from './use-cases/expiry';
import { createPaymentEventReactions } from './use-cases/payment-events';
import { createOrderReads } from './use-cases/reads';
import { createOrderTransitions } from './use-cases/transitions';

export type { Logger } from './ports';
export type { CheckoutResponse } from './use-cases/checkout-results';
export type { OrderResult } from './use-cases/transitions';
export { isValidIdempotencyKey } from './validation';

export interface OrderServiceOptions {
  database: Database;
  /** The order tables (`createOrderRepo`). */
  repo: OrderStore;
  cart: CartPort;
  stock: StockPort;
  /** How long an order may wait for payment before it expires. */
  paymentTtlSeconds: number;
  logger?: Logger;
}

/**
 * Checkout, reads, status changes and the reactions to payment events. Each part is a use case
 * in `use-cases/`, built from the ports it needs (`ports.ts`).
 */
export function createOrderService(options: OrderServiceOptions) {
  const { database } = options;
  const ports: OrderPorts = {
    repo: options.repo,
    cart: options.cart,
    stock: options.stock,
    logger: options.logger ?? log,
    idempotency: {
      run: (request, work) => runIdempotent({ database, schema: ORDER_SCHEMA, ...request }, work),
    },
  };
  const { applyChange, ...transitions } = createOrderTransitions(ports);
  return {
    ...createCheckout(ports, { paymentTtlSeconds: options.paymentTtlSeconds }),
    ...createOrderReads(ports),
    ...transitions,
    ...createPaymentEventReactions({ ...ports, applyChange }),
    ...createOrderExpiry({ ...ports, applyChange }),
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
