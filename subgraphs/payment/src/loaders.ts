import type { Identity } from '@shop/auth';
import type { PaymentService, PaymentView } from './service';

type Waiter = { resolve: (payments: PaymentView[]) => void; reject: (error: unknown) => void };

/**
 * A per-request loader of the payments of orders: order ids asked for in the same tick (one
 * `_entities` call with many orders) are read with one query, and repeats are cached.
 */
export function createOrderPaymentsLoader(
  service: PaymentService,
  identity: Identity | null,
): (orderId: string) => Promise<PaymentView[]> {
  const cache = new Map<string, Promise<PaymentView[]>>();
  let batch: Map<string, Waiter> | undefined;

  const flush = async (pending: Map<string, Waiter>) => {
    try {
      const found = await service.paymentsOfOrders(identity, [...pending.keys()]);
      for (const [id, waiter] of pending) waiter.resolve(found.get(id) ?? []);
    } catch (error) {
      for (const waiter of pending.values()) waiter.reject(error);
    }
  };

  return (orderId) => {
    const cached = cache.get(orderId);
    if (cached) return cached;
    if (!batch) {
      const pending = new Map<string, Waiter>();
      batch = pending;
      queueMicrotask(() => {
        batch = undefined;
        void flush(pending);
      });
    }
    const current = batch;
    const promise = new Promise<PaymentView[]>((resolve, reject) => {
      current.set(orderId, { resolve, reject });
    });
    cache.set(orderId, promise);
    return promise;
  };
}
