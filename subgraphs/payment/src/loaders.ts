import type { Identity } from '@shop/auth';
import { createBatchLoader } from '@shop/subgraph';
import type { PaymentView } from './model';
import type { PaymentService } from './service';

/**
 * A per-request loader of the payments of orders: order ids asked for in the same tick (one
 * `_entities` call with many orders) are read with one query, and repeats are cached.
 */
export function createOrderPaymentsLoader(
  service: PaymentService,
  identity: Identity | null,
): (orderId: string) => Promise<PaymentView[]> {
  const load = createBatchLoader((orderIds) => service.paymentsOfOrders(identity, orderIds), {
    cache: true,
  });
  return async (orderId) => (await load(orderId)) ?? [];
}

/**
 * A per-request loader of payments by id (`_entities` with many payments: two queries, not two
 * per payment); a payment the caller may not see is null like a missing one.
 */
export function createPaymentLoader(
  service: PaymentService,
  identity: Identity | null,
): (id: string) => Promise<PaymentView | null> {
  const load = createBatchLoader((ids) => service.paymentsFor(identity, ids));
  return async (id) => (await load(id)) ?? null;
}
