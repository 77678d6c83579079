import { isUuid } from '@shop/primitives';
import { TOPICS, type DomainEvent } from '@shop/events';
import type { Ledger, PaymentStore, RowKeys } from '../ports';
import { AUTH_EVENTS } from './ledger-writes';

export interface OrderEventsDeps {
  ledger: Ledger;
}

/** Payment's reactions to the order subgraph's events. */
export function createOrderEvents(deps: OrderEventsDeps) {
  const { ledger } = deps;
  const { record, operate } = ledger;

  return {
    /**
     * Reacts to an order event inside the consumer's transaction `tx`: `order.shipped` captures
     * what is still authorized; `order.cancelled` / `order.expired` void an authorization or
     * refund captured money (and close a payment still waiting for 3-D Secure).
     */
    async handleOrderEvent(envelope: DomainEvent, tx: PaymentStore): Promise<void> {
      if (envelope.topic !== TOPICS.order) return;
      const { orderId } = envelope.data;
      const shipped = envelope.type === 'order.shipped';
      const closed = envelope.type === 'order.cancelled' || envelope.type === 'order.expired';
      if ((!shipped && !closed) || !isUuid(orderId)) return;
      await tx.lockOrder(orderId);
      const keysFor = (paymentId: string, kind: string): RowKeys => ({
        ledgerKey: `event:${envelope.id}`,
        providerKey: `${kind}:${paymentId}:event:${envelope.id}`,
        actor: { role: 'SERVICE', userId: 'service:payment' },
      });
      for (const payment of await tx.paymentsOfOrders([orderId])) {
        const status = payment.status;
        if (shipped) {
          if (status === 'AUTHORIZED' || status === 'PARTIALLY_CAPTURED') {
            await operate(tx, payment.id, { kind: 'capture' }, keysFor(payment.id, 'capture'));
          }
          continue;
        }
        if (status === 'AUTHORIZED') {
          await operate(tx, payment.id, { kind: 'void' }, keysFor(payment.id, 'void'));
        } else if (
          status === 'PARTIALLY_CAPTURED' ||
          status === 'CAPTURED' ||
          status === 'PARTIALLY_REFUNDED'
        ) {
          await operate(tx, payment.id, { kind: 'refund' }, keysFor(payment.id, 'refund'));
        } else if (status === 'ACTION_REQUIRED') {
          const locked = (await tx.lockPayment(payment.id))!;
          await record(tx, locked, await tx.ledger(payment.id), {
            type: 'AUTHORIZATION',
            state: 'FAILURE',
            amount: locked.amount,
            pspReference: null,
            failureCode: 'order_closed',
            keys: keysFor(payment.id, 'close'),
            eventType: AUTH_EVENTS.FAILURE,
          });
        }
      }
    },
  };
}
