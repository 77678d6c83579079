/**
 * The order lifecycle as one transitions table (docs/DOMAIN.md §2). Pure: no I/O. Every status
 * change of an order goes through {@link transition}; the repository applies the result (version
 * bump, history row, outbox events) in one transaction.
 */

export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PAYMENT_AUTHORIZED',
  'PAID',
  'SHIPPED',
  'DELIVERED',
  'COMPLETED',
  'CANCELLED',
  'EXPIRED',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Who triggers a transition: the order's owner, an admin, or the system (events, TTL). */
export type ActorKind = 'CUSTOMER' | 'ADMIN' | 'SYSTEM';

export interface Actor {
  kind: ActorKind;
  /** The user acting (CUSTOMER/ADMIN); a CUSTOMER must own the order. */
  userId?: string | undefined;
}

/** Event types a transition emits besides `order.status_changed`. */
export type OrderEventType =
  | 'order.placed'
  | 'order.paid'
  | 'order.cancelled'
  | 'order.expired'
  | 'order.shipped'
  | 'order.delivered'
  | 'order.completed';

export interface TransitionRule {
  from: OrderStatus;
  to: OrderStatus;
  /** Who may trigger it. */
  actors: readonly ActorKind[];
  /** What causes it, for documentation and history. */
  trigger: string;
  /** Events emitted (after `order.status_changed`). */
  emits: readonly OrderEventType[];
}

/** The one table of allowed transitions. Anything not listed is not allowed. */
export const TRANSITIONS: readonly TransitionRule[] = [
  {
    from: 'PENDING_PAYMENT',
    to: 'PAYMENT_AUTHORIZED',
    actors: ['SYSTEM'],
    trigger: 'payment.authorized',
    emits: ['order.placed'],
  },
  {
    from: 'PENDING_PAYMENT',
    to: 'PAID',
    actors: ['SYSTEM'],
    trigger: 'payment.captured',
    // Single-step capture: the reservation becomes an allocation (placed) and the order is paid.
    emits: ['order.placed', 'order.paid'],
  },
  {
    from: 'PENDING_PAYMENT',
    to: 'CANCELLED',
    actors: ['CUSTOMER', 'ADMIN', 'SYSTEM'],
    trigger: 'customer/admin cancel, payment.declined',
    emits: ['order.cancelled'],
  },
  {
    from: 'PENDING_PAYMENT',
    to: 'EXPIRED',
    actors: ['SYSTEM'],
    trigger: 'payment TTL elapsed',
    emits: ['order.expired'],
  },
  {
    from: 'PAYMENT_AUTHORIZED',
    to: 'PAID',
    actors: ['SYSTEM'],
    trigger: 'payment.captured',
    emits: ['order.paid'],
  },
  {
    from: 'PAYMENT_AUTHORIZED',
    to: 'SHIPPED',
    actors: ['ADMIN'],
    trigger: 'admin ships (payment captures on order.shipped)',
    emits: ['order.shipped'],
  },
  {
    from: 'PAYMENT_AUTHORIZED',
    to: 'CANCELLED',
    actors: ['CUSTOMER', 'ADMIN'],
    trigger: 'customer/admin cancel (payment voids)',
    emits: ['order.cancelled'],
  },
  {
    from: 'PAID',
    to: 'SHIPPED',
    actors: ['ADMIN'],
    trigger: 'admin ships',
    emits: ['order.shipped'],
  },
  {
    from: 'PAID',
    to: 'CANCELLED',
    actors: ['ADMIN'],
    trigger: 'admin cancel (payment refunds)',
    emits: ['order.cancelled'],
  },
  {
    from: 'SHIPPED',
    to: 'DELIVERED',
    actors: ['ADMIN'],
    trigger: 'admin confirms delivery',
    emits: ['order.delivered'],
  },
  {
    from: 'DELIVERED',
    to: 'COMPLETED',
    actors: ['ADMIN'],
    trigger: 'admin completes',
    emits: ['order.completed'],
  },
];

/** States no transition leaves. */
export const TERMINAL_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter(
  (status) => !TRANSITIONS.some((rule) => rule.from === status),
);

export const isOrderStatus = (value: unknown): value is OrderStatus =>
  typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);

export const isTerminal = (status: OrderStatus) => TERMINAL_STATUSES.includes(status);

/** The rule for `from → to`, if the table has one. */
export function findRule(from: OrderStatus, to: OrderStatus): TransitionRule | undefined {
  return TRANSITIONS.find((rule) => rule.from === from && rule.to === to);
}

/** The minimum an order needs for a transition decision. */
export interface TransitionSubject {
  status: OrderStatus;
  version: number;
  userId: string;
}

export type TransitionResult =
  | {
      ok: true;
      /** True when `to` is the current status: nothing changes, nothing is emitted. */
      noop: boolean;
      from: OrderStatus;
      to: OrderStatus;
      /** The version after the transition (unchanged for a no-op). */
      version: number;
      /** Events to emit, `order.status_changed` first; empty for a no-op. */
      events: Array<'order.status_changed' | OrderEventType>;
    }
  | { ok: false; code: 'INVALID_TRANSITION' | 'NOT_ALLOWED'; message: string };

const mayTrigger = (rule: TransitionRule, order: TransitionSubject, actor: Actor) =>
  rule.actors.includes(actor.kind) &&
  (actor.kind !== 'CUSTOMER' || (actor.userId !== undefined && actor.userId === order.userId));

/**
 * Decides `order → to` for `actor`. Same-state is an ok no-op; a pair missing from the table is
 * `INVALID_TRANSITION`; a listed pair the actor may not trigger (or a customer who is not the
 * owner) is `NOT_ALLOWED`.
 */
export function transition(
  order: TransitionSubject,
  to: OrderStatus,
  actor: Actor,
): TransitionResult {
  const from = order.status;
  if (from === to) return { ok: true, noop: true, from, to, version: order.version, events: [] };
  const rule = findRule(from, to);
  if (!rule) {
    return {
      ok: false,
      code: 'INVALID_TRANSITION',
      message: `An order cannot go from ${from} to ${to}`,
    };
  }
  if (!mayTrigger(rule, order, actor)) {
    return {
      ok: false,
      code: 'NOT_ALLOWED',
      message: `${actor.kind} may not move an order from ${from} to ${to}`,
    };
  }
  return {
    ok: true,
    noop: false,
    from,
    to,
    version: order.version + 1,
    events: ['order.status_changed', ...rule.emits],
  };
}

/** The statuses `actor` can move `order` to from its current status (table order). */
export function nextStates(order: TransitionSubject, actor: Actor): OrderStatus[] {
  return TRANSITIONS.filter(
    (rule) => rule.from === order.status && mayTrigger(rule, order, actor),
  ).map((rule) => rule.to);
}
