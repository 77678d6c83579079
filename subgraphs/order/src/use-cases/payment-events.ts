import type { Db } from '@shop/db';
import { TOPICS, type DomainEvent } from '@shop/events';
import type { OrderPorts } from '../ports';
import type { OrderStatus } from '../state-machine';
import { isUuid } from '@shop/primitives';
import { SYSTEM } from './actors';
import type { OrderTransitions } from './transitions';

/** The order's reactions to `payment.*` events: authorized, captured (paid), declined. */
export function createPaymentEventReactions({
  repo,
  logger,
  applyChange,
}: Pick<OrderPorts, 'repo' | 'logger'> & Pick<OrderTransitions, 'applyChange'>) {
  return {
    /**
     * Reacts to a payment event inside the consumer's transaction. Anything that does not apply
     * (unknown order, not allowed from the current status, amount short) is logged and ignored.
     */
    async handlePaymentEvent(envelope: DomainEvent, tx: Db): Promise<void> {
      const plan: Partial<Record<string, { to: OrderStatus; reason: string }>> = {
        'payment.authorized': { to: 'PAYMENT_AUTHORIZED', reason: 'payment authorized' },
        'payment.captured': { to: 'PAID', reason: 'payment captured' },
        'payment.declined': { to: 'CANCELLED', reason: 'payment declined' },
      };
      const step = plan[envelope.type];
      if (!step || envelope.topic !== TOPICS.payment) return;
      const { data } = envelope;
      const ignore = (why: string) =>
        logger.warn(`[order] ignoring ${envelope.type} ${envelope.id}: ${why}`);
      if (!isUuid(data.orderId)) return ignore('no valid orderId');
      const row = await repo.lockOrder(tx, data.orderId);
      if (!row) return ignore(`order ${data.orderId} not found`);
      if (
        envelope.type === 'payment.captured' &&
        row.status !== 'PENDING_PAYMENT' &&
        row.status !== 'PAYMENT_AUTHORIZED'
      ) {
        return; // already paid or further along (e.g. captured on shipment)
      }
      if (envelope.type !== 'payment.declined') {
        const amount = data.amount;
        if (amount.currency !== row.currencyCode || amount.amountMinor < row.totalAmount) {
          return ignore(
            `amount ${String(amount.amountMinor)} ${String(amount.currency)} does not cover ${row.totalAmount} ${row.currencyCode}`,
          );
        }
      }
      const result = await applyChange(tx, row, step.to, {
        actor: SYSTEM,
        reason: step.reason,
        causationId: envelope.id,
        correlationId: envelope.correlationId,
      });
      if (!result.ok) ignore(`${result.message} (order ${row.id})`);
    },
  };
}
