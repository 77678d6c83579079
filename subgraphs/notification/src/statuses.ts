import type { OrderStatus, PaymentStatus } from './generated/resolvers-types';

/**
 * The values of the `OrderStatus` and `PaymentStatus` enums this subgraph declares (the same as
 * the order and payment subgraphs; test/statuses.test.ts fails when they drift). `satisfies`
 * makes TypeScript list every value of the generated types, so these follow the SDL.
 */
const ORDER_STATUSES = {
  PENDING_PAYMENT: true,
  PAYMENT_AUTHORIZED: true,
  PAID: true,
  SHIPPED: true,
  DELIVERED: true,
  COMPLETED: true,
  CANCELLED: true,
  EXPIRED: true,
} as const satisfies Record<OrderStatus, true>;

const PAYMENT_STATUSES = {
  CREATED: true,
  ACTION_REQUIRED: true,
  AUTHORIZED: true,
  DECLINED: true,
  PARTIALLY_CAPTURED: true,
  CAPTURED: true,
  VOIDED: true,
  PARTIALLY_REFUNDED: true,
  REFUNDED: true,
} as const satisfies Record<PaymentStatus, true>;

/** `value` as an `OrderStatus`, or null when it is not one (an unknown or missing status). */
export const orderStatusOf = (value: unknown): OrderStatus | null =>
  typeof value === 'string' && Object.hasOwn(ORDER_STATUSES, value) ? (value as OrderStatus) : null;

/** `value` as a `PaymentStatus`, or null when it is not one. */
export const paymentStatusOf = (value: unknown): PaymentStatus | null =>
  typeof value === 'string' && Object.hasOwn(PAYMENT_STATUSES, value)
    ? (value as PaymentStatus)
    : null;

export const orderStatuses = Object.keys(ORDER_STATUSES) as OrderStatus[];
export const paymentStatuses = Object.keys(PAYMENT_STATUSES) as PaymentStatus[];
