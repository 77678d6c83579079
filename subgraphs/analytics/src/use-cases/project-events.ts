import { TOPICS, type DbTransaction, type DomainEvent, type EventEnvelope } from '@shop/events';
import { log } from '@shop/log';
import type { Logger, ProjectionStore } from '../ports';
import { parseUsageEvent, text, usageWrites } from './usage-events';

const PLACED_STATUSES = new Set([
  'PAYMENT_AUTHORIZED',
  'PAID',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'DELIVERED',
  'COMPLETED',
]);
const ENDED_STATUSES = new Set(['CANCELLED', 'EXPIRED']);
const PAYMENT_KINDS: Record<string, string> = {
  'payment.authorized': 'AUTHORIZED',
  'payment.captured': 'CAPTURED',
  'payment.refunded': 'REFUNDED',
  'payment.voided': 'VOIDED',
  'payment.declined': 'DECLINED',
};

interface MoneyData {
  amountMinor: number;
  currency: string;
}
const moneyOf = (value: unknown): MoneyData | null => {
  const m = (value ?? {}) as Record<string, unknown>;
  return typeof m.amountMinor === 'number' &&
    Number.isSafeInteger(m.amountMinor) &&
    typeof m.currency === 'string'
    ? { amountMinor: m.amountMinor, currency: m.currency }
    : null;
};

export interface ProjectEventsDeps {
  /** The writes bound to the consumer's transaction. */
  queriesOf(tx: DbTransaction): ProjectionStore;
  logger?: Logger;
}

/** Projects the consumed usage, order, payment and cart events into rollups and sales facts. */
export function createEventProjection(deps: ProjectEventsDeps) {
  const logger = deps.logger ?? log;
  const skip = (envelope: EventEnvelope, reason: string) =>
    logger.warn(`[analytics] ${envelope.type} ${envelope.id}: ${reason}, skipped`);

  async function onUsage(envelope: EventEnvelope, q: ProjectionStore) {
    const parsed = parseUsageEvent(envelope.data);
    if (!parsed.ok) return skip(envelope, parsed.reason);
    await q.addUsage(usageWrites(parsed.event));
  }

  async function onOrder(envelope: EventEnvelope, q: ProjectionStore, d: Record<string, unknown>) {
    const orderId = text(d.orderId) ?? envelope.subject;
    const at = new Date(envelope.time);
    switch (envelope.type) {
      case 'order.created': {
        const total = moneyOf(d.total);
        if (!total) return skip(envelope, 'no total');
        const lines = (Array.isArray(d.lines) ? d.lines : []).flatMap((raw, index) => {
          const line = (raw ?? {}) as Record<string, unknown>;
          const unit = moneyOf(line.unitPrice);
          const productId = text(line.productId);
          const quantity = line.quantity;
          if (!unit || !productId || typeof quantity !== 'number' || !Number.isInteger(quantity)) {
            return [];
          }
          return [
            {
              lineNo: index,
              productId,
              variantId: text(line.variantId),
              productName: text(line.productName) ?? productId,
              quantity,
              unitMinor: unit.amountMinor,
              currency: unit.currency,
            },
          ];
        });
        await q.recordOrder(
          {
            orderId,
            userId: text(d.userId),
            currency: total.currency,
            totalMinor: total.amountMinor,
            createdAt: at,
          },
          lines,
        );
        return;
      }
      case 'order.placed':
      case 'order.paid':
        return q.markOrder(orderId, 'placed', at);
      case 'order.cancelled':
      case 'order.expired':
        return q.markOrder(orderId, 'cancelled', at);
      case 'order.status_changed': {
        const to = text(d.to);
        if (to && PLACED_STATUSES.has(to)) await q.markOrder(orderId, 'placed', at);
        if (to && ENDED_STATUSES.has(to)) await q.markOrder(orderId, 'cancelled', at);
        return;
      }
    }
  }

  async function onPayment(
    envelope: EventEnvelope,
    q: ProjectionStore,
    d: Record<string, unknown>,
  ) {
    const kind = PAYMENT_KINDS[envelope.type];
    if (!kind) return;
    const amount = moneyOf(d.amount);
    const paymentId = text(d.paymentId);
    if (!amount || !paymentId) return skip(envelope, 'malformed payment payload');
    await q.recordPayment({
      eventId: envelope.id,
      paymentId,
      orderId: text(d.orderId) ?? envelope.subject,
      kind,
      amountMinor: amount.amountMinor,
      currency: amount.currency,
      occurredAt: new Date(envelope.time),
    });
  }

  async function onCart(envelope: EventEnvelope, q: ProjectionStore, d: Record<string, unknown>) {
    const cartId = text(d.cartId) ?? envelope.subject;
    const at = new Date(envelope.time);
    if (envelope.type === 'cart.created') await q.markCart(cartId, { createdAt: at });
    if (envelope.type === 'cart.converted') {
      await q.markCart(cartId, { convertedAt: at, orderId: text(d.orderId) });
    }
  }

  return {
    /** Applies one consumed event inside the consumer's transaction. */
    async handleEvent(envelope: DomainEvent, tx: DbTransaction): Promise<void> {
      const q = deps.queriesOf(tx);
      switch (envelope.topic) {
        case TOPICS.apiUsage:
          return onUsage(envelope, q);
        case TOPICS.order:
          return onOrder(envelope, q, envelope.data);
        case TOPICS.payment:
          return onPayment(envelope, q, envelope.data);
        case TOPICS.cart:
          return onCart(envelope, q, envelope.data);
      }
    },
  };
}
