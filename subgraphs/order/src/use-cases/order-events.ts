import { newEvent, TOPICS, type EventData, type NewEvent } from '@shop/events';
import type { Actor, OrderEventType, OrderStatus } from '../state-machine';
import type { OrderRow } from '../tables';

/** Who caused a change and why, as its events and history record it. */
export interface EventMeta {
  actor: Actor;
  reason: string | null;
  causationId?: string | undefined;
  correlationId?: string | undefined;
  idempotencyKey?: string | undefined;
  shipment?: { carrier: string; trackingNumber: string } | undefined;
}

/** An `order.*` outbox event about `order` at its version (the event's sequence). */
export function orderEvent<TType extends 'order.created' | TransitionEventType>(
  type: TType,
  order: { id: string; version: number },
  data: EventData<TType>,
  meta: Omit<EventMeta, 'reason'>,
): NewEvent {
  return newEvent({
    type,
    source: 'order',
    topic: TOPICS.order,
    subject: order.id,
    sequence: order.version,
    data,
    actor: {
      ...(meta.actor.userId ? { userId: meta.actor.userId } : {}),
      role: meta.actor.kind,
    },
    ...(meta.causationId ? { causationId: meta.causationId } : {}),
    ...(meta.correlationId ? { correlationId: meta.correlationId } : {}),
    ...(meta.idempotencyKey ? { idempotencyKey: meta.idempotencyKey } : {}),
  });
}

/** The events a status change writes. */
type TransitionEventType = 'order.status_changed' | OrderEventType;

/** The `data` of an event a status change emits. */
export function transitionEventData(
  type: TransitionEventType,
  order: OrderRow,
  change: { from: OrderStatus; to: OrderStatus },
  meta: EventMeta,
): EventData<TransitionEventType> {
  const base = { orderId: order.id, userId: order.userId };
  switch (type) {
    case 'order.status_changed':
      return { ...base, from: change.from, to: change.to, reason: meta.reason };
    case 'order.cancelled':
    case 'order.expired':
      return { ...base, reason: meta.reason };
    case 'order.shipped':
      return {
        ...base,
        carrier: meta.shipment?.carrier ?? null,
        trackingNumber: meta.shipment?.trackingNumber ?? null,
      };
    default:
      return base;
  }
}
