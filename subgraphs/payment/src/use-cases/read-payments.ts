import type { Identity } from '@shop/auth';
import { canSeePayment, toPaymentView, UUID, type PaymentView } from '../model';
import type { PaymentStore } from '../ports';

/** A payment with its ledger, read through `store` (the database or a transaction). */
export async function viewOf(store: PaymentStore, paymentId: string): Promise<PaymentView | null> {
  const row = await store.findPayment(paymentId);
  return row ? toPaymentView(row, await store.ledger(row.id)) : null;
}

/** The reads of payments, each limited to what the caller may see (owner or admin). */
export function createPaymentReads(deps: { store: PaymentStore }) {
  const { store } = deps;
  return {
    /** A payment visible to the caller (owner or admin), else null. */
    async payment(identity: Identity | null, id: string): Promise<PaymentView | null> {
      if (!UUID.test(id)) return null;
      const view = await viewOf(store, id);
      return view && canSeePayment(identity, view.userId) ? view : null;
    },

    /**
     * Payments by id, only those the caller may see (others are absent, like missing ones):
     * two queries for any number of ids (the payments, then their ledgers).
     */
    async paymentsFor(identity: Identity | null, ids: string[]): Promise<Map<string, PaymentView>> {
      const found = new Map<string, PaymentView>();
      if (!identity) return found;
      const rows = (await store.findPayments(ids.filter((id) => UUID.test(id)))).filter((row) =>
        canSeePayment(identity, row.userId),
      );
      const ledgers = await store.ledgers(rows.map((row) => row.id));
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
      const rows = (await store.paymentsOfOrders(orderIds.filter((id) => UUID.test(id)))).filter(
        (row) => canSeePayment(identity, row.userId),
      );
      const ledgers = await store.ledgers(rows.map((row) => row.id));
      for (const row of rows) {
        const ledger = ledgers.filter((t) => t.paymentId === row.id);
        byOrder.get(row.orderId)?.push(toPaymentView(row, ledger));
      }
      return byOrder;
    },
  };
}
