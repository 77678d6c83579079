/**
 * The text of notifications, derived from event payloads (pure). Payloads are those listed in
 * `schema/README.md` (order, payment events).
 */

export type NotificationKind =
  | 'ORDER_RECEIVED'
  | 'ORDER_PLACED'
  | 'ORDER_SHIPPED'
  | 'ORDER_DELIVERED'
  | 'ORDER_CANCELLED'
  | 'ORDER_EXPIRED'
  | 'PAYMENT_AUTHORIZED'
  | 'PAYMENT_DECLINED'
  | 'PAYMENT_CAPTURED'
  | 'PAYMENT_REFUNDED';

/** What to tell the user about one event. */
export interface MessageDraft {
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/** A non-empty string, else undefined. */
export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** Formats `{ amountMinor, currency }` (e.g. `$12.50`); undefined when malformed. */
export function formatMoney(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { amountMinor, currency } = value as { amountMinor?: unknown; currency?: unknown };
  if (typeof amountMinor !== 'number' || typeof currency !== 'string') return undefined;
  try {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amountMinor / 10 ** digits);
  } catch {
    return `${amountMinor} ${currency} (minor units)`;
  }
}

const orderLabel = (number: string | null) => (number ? `Order ${number}` : 'Your order');
const forOrder = (number: string | null) => (number ? `order ${number}` : 'your order');

/** The notification of an order event, or null for events users are not told about. */
export function orderMessage(
  type: string,
  data: Record<string, unknown>,
  number: string | null,
): MessageDraft | null {
  const label = orderLabel(number);
  switch (type) {
    case 'order.created': {
      const total = formatMoney(data.total);
      return {
        kind: 'ORDER_RECEIVED',
        title: `${label} received`,
        body: `We received your order${total ? ` of ${total}` : ''}. We will let you know as soon as the payment is confirmed.`,
        data: { number, total: data.total ?? null },
      };
    }
    case 'order.placed':
      return {
        kind: 'ORDER_PLACED',
        title: `${label} placed`,
        body: 'Your payment was authorized and your order is being prepared.',
        data: { number },
      };
    case 'order.shipped': {
      const carrier = text(data.carrier) ?? null;
      const trackingNumber = text(data.trackingNumber) ?? null;
      const detail =
        carrier && trackingNumber
          ? ` with ${carrier}, tracking number ${trackingNumber}`
          : carrier
            ? ` with ${carrier}`
            : '';
      return {
        kind: 'ORDER_SHIPPED',
        title: `${label} shipped`,
        body: `Your order is on its way${detail}.`,
        data: { number, carrier, trackingNumber },
      };
    }
    case 'order.delivered':
      return {
        kind: 'ORDER_DELIVERED',
        title: `${label} delivered`,
        body: 'Your order was delivered. Enjoy!',
        data: { number },
      };
    case 'order.cancelled': {
      const reason = text(data.reason) ?? null;
      return {
        kind: 'ORDER_CANCELLED',
        title: `${label} cancelled`,
        body: `Your order was cancelled${reason ? ` (${reason})` : ''}. Any payment is voided or refunded.`,
        data: { number, reason },
      };
    }
    case 'order.expired':
      return {
        kind: 'ORDER_EXPIRED',
        title: `${label} expired`,
        body: 'Your order expired because it was not paid in time; the reserved items were released.',
        data: { number, reason: text(data.reason) ?? null },
      };
    default:
      return null;
  }
}

/** The notification of a payment event, or null for events users are not told about. */
export function paymentMessage(
  type: string,
  data: Record<string, unknown>,
  number: string | null,
): MessageDraft | null {
  const amount = formatMoney(data.amount);
  const of = amount ? ` of ${amount}` : '';
  const base = { number, paymentId: text(data.paymentId) ?? null, amount: data.amount ?? null };
  switch (type) {
    case 'payment.authorized':
      return {
        kind: 'PAYMENT_AUTHORIZED',
        title: `Payment authorized for ${forOrder(number)}`,
        body: `Your payment${of} was authorized; you are charged when the order ships.`,
        data: base,
      };
    case 'payment.declined': {
      const declineCode = text(data.declineCode) ?? null;
      return {
        kind: 'PAYMENT_DECLINED',
        title: `Payment declined for ${forOrder(number)}`,
        body: `Your payment${of} was declined${declineCode ? ` (${declineCode})` : ''}. You can try again with another payment method.`,
        data: { ...base, declineCode },
      };
    }
    case 'payment.captured':
      return {
        kind: 'PAYMENT_CAPTURED',
        title: `Payment received for ${forOrder(number)}`,
        body: amount ? `You were charged ${amount}.` : 'Your payment was received.',
        data: base,
      };
    case 'payment.refunded':
      return {
        kind: 'PAYMENT_REFUNDED',
        title: `Refund issued for ${forOrder(number)}`,
        body: amount
          ? `${amount} was refunded to your payment method.`
          : 'Your payment was refunded.',
        data: base,
      };
    default:
      return null;
  }
}
