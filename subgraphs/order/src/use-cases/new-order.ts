import type { NewEvent } from '@shop/events';
import type { CheckoutCart, ReservedLine } from '../ports';
import type { HistoryEntry, NewOrder, NewOrderLine } from '../repo';
import type { Actor } from '../state-machine';
import type { OrderRow, ShippingAddress } from '../tables';
import type { OrderAmounts } from './checkout-pricing';
import { orderEvent } from './order-events';

/** The order a checkout places from a claimed cart. */
export interface Placement {
  userId: string;
  orderId: string;
  /** The claimed cart, as the cart subgraph answered it. */
  found: CheckoutCart;
  address: ShippingAddress;
  idempotencyKey: string;
}

/**
 * What `OrderStore.insertOrder` writes for a placed order (pure): the PENDING_PAYMENT row, its
 * lines at the reserved prices, the first history row and `order.created`.
 */
export function newOrderRecord(
  placement: Placement,
  reserved: ReservedLine[],
  amounts: OrderAmounts,
  paymentTtlSeconds: number,
): {
  order: NewOrder;
  lines: NewOrderLine[];
  history: HistoryEntry;
  eventsOf: (row: OrderRow) => NewEvent[];
} {
  const { userId, found } = placement;
  const lines: NewOrderLine[] = reserved.map((line) => ({
    variantId: line.variantId,
    productId: line.productId,
    sku: line.sku,
    productName: line.productName,
    variantName: line.variantName,
    quantity: line.quantity,
    unitAmount: line.unitPrice.amount,
    currencyCode: line.unitPrice.currencyCode,
  }));
  const actor: Actor = { kind: 'CUSTOMER', userId };
  return {
    order: {
      id: placement.orderId,
      userId,
      cartId: found.id,
      status: 'PENDING_PAYMENT',
      currencyCode: amounts.currencyCode,
      subtotalAmount: amounts.subtotal,
      shippingAmount: amounts.shipping,
      totalAmount: amounts.total.amount,
      shippingAddress: placement.address,
      expiresAt: new Date(Date.now() + paymentTtlSeconds * 1000),
    },
    lines,
    history: {
      from: null,
      to: 'PENDING_PAYMENT',
      reason: 'checkout',
      actorRole: 'CUSTOMER',
      actorId: userId,
    },
    eventsOf: (row) => [
      orderEvent(
        'order.created',
        row,
        {
          orderId: row.id,
          number: row.number,
          userId,
          cartId: row.cartId,
          cartVersion: found.version,
          status: row.status,
          total: { amountMinor: row.totalAmount, currency: row.currencyCode },
          lines: lines.map((line) => ({
            variantId: line.variantId,
            productId: line.productId,
            sku: line.sku,
            productName: line.productName,
            quantity: line.quantity,
            unitPrice: { amountMinor: line.unitAmount, currency: line.currencyCode },
          })),
        },
        { actor, idempotencyKey: placement.idempotencyKey },
      ),
    ],
  };
}
