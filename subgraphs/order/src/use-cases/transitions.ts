import type { Db } from '@shop/db';
import type { Identity } from '@shop/auth';
import type { OrderPorts } from '../ports';
import { nextStates, transition, type OrderStatus } from '../state-machine';
import type { OrderRow } from '../tables';
import { isUuid } from '../validation';
import { actorOf, canSeeOrder } from './actors';
import { orderEvent, transitionEventData, type EventMeta } from './order-events';

export type OrderErrorCode = 'ORDER_NOT_FOUND' | 'INVALID_TRANSITION' | 'INVALID_INPUT';

export interface OrderFailure {
  ok: false;
  code: OrderErrorCode;
  message: string;
  field?: string[];
}

export type OrderResult = { ok: true; order: OrderRow } | OrderFailure;

const orderFailure = (code: OrderErrorCode, message: string, field?: string[]): OrderFailure => ({
  ok: false,
  code,
  message,
  ...(field ? { field } : {}),
});

const NOT_FOUND = orderFailure('ORDER_NOT_FOUND', 'Order not found', ['orderId']);

const REASON_MAX = 500;
const SHIPMENT_FIELD_MAX = 100;

/**
 * Status changes of an order: by users through the API (cancel, ship, deliver, complete) and by
 * the system (payment events, expiry) through {@link applyChange}.
 */
export function createOrderTransitions({ repo }: Pick<OrderPorts, 'repo'>) {
  /**
   * Applies `row → to` for `actor` inside `tx` (the row must be locked by the caller): history,
   * version bump and events in the same transaction. Same-state is a no-op.
   */
  async function applyChange(
    tx: Db,
    row: OrderRow,
    to: OrderStatus,
    meta: EventMeta,
  ): Promise<{ ok: true; order: OrderRow; applied: boolean } | OrderFailure> {
    const decision = transition(row, to, meta.actor);
    if (!decision.ok) return orderFailure('INVALID_TRANSITION', decision.message);
    if (decision.noop) return { ok: true, order: row, applied: false };
    const after = { id: row.id, version: decision.version };
    const events = decision.events.map((type) =>
      orderEvent(type, after, transitionEventData(type, row, decision, meta), meta),
    );
    const updated = await repo.applyTransition(tx, {
      orderId: row.id,
      fromVersion: row.version,
      to,
      history: {
        from: decision.from,
        to,
        reason: meta.reason,
        actorRole: meta.actor.kind,
        actorId: meta.actor.userId ?? null,
      },
      events,
      shipment: to === 'SHIPPED' ? meta.shipment : undefined,
    });
    // The row is locked, so the version cannot have moved; if it did, roll back and retry.
    if (!updated) throw new Error(`order ${row.id} changed concurrently`);
    return { ok: true, order: updated, applied: true };
  }

  /** A status change requested through the API by `identity`. */
  async function changeByUser(
    identity: Identity,
    orderId: string,
    to: OrderStatus,
    meta: Omit<EventMeta, 'actor'>,
  ): Promise<OrderResult> {
    if (!isUuid(orderId)) return NOT_FOUND;
    return repo.transaction(async (tx) => {
      const row = await repo.lockOrder(tx, orderId);
      if (!row || !canSeeOrder(identity, row)) return NOT_FOUND;
      const result = await applyChange(tx, row, to, { ...meta, actor: actorOf(identity) });
      return result.ok ? { ok: true, order: result.order } : result;
    });
  }

  return {
    applyChange,

    /** Statuses the caller could move the order to now. */
    nextStatesFor(identity: Identity | null, order: OrderRow): OrderStatus[] {
      if (!identity || !canSeeOrder(identity, order)) return [];
      return nextStates(order, actorOf(identity));
    },

    cancel(identity: Identity, input: { orderId: string; reason?: string | null }) {
      const reason = input.reason?.trim() || null;
      if (reason && reason.length > REASON_MAX) {
        return Promise.resolve(
          orderFailure('INVALID_INPUT', `reason must be at most ${REASON_MAX} characters`, [
            'reason',
          ]),
        );
      }
      const by = identity.roles.includes('ADMIN') ? 'admin' : 'customer';
      return changeByUser(identity, input.orderId, 'CANCELLED', {
        reason: reason ?? `cancelled by ${by}`,
      });
    },

    ship(
      identity: Identity,
      input: { orderId: string; carrier: string; trackingNumber: string },
    ): Promise<OrderResult> {
      const carrier = input.carrier.trim();
      const trackingNumber = input.trackingNumber.trim();
      for (const [field, value] of [
        ['carrier', carrier],
        ['trackingNumber', trackingNumber],
      ] as const) {
        if (value.length === 0 || value.length > SHIPMENT_FIELD_MAX) {
          return Promise.resolve(
            orderFailure('INVALID_INPUT', `${field} must be 1–${SHIPMENT_FIELD_MAX} characters`, [
              field,
            ]),
          );
        }
      }
      return changeByUser(identity, input.orderId, 'SHIPPED', {
        reason: 'shipped',
        shipment: { carrier, trackingNumber },
      });
    },

    markDelivered: (identity: Identity, orderId: string) =>
      changeByUser(identity, orderId, 'DELIVERED', { reason: 'delivered' }),

    complete: (identity: Identity, orderId: string) =>
      changeByUser(identity, orderId, 'COMPLETED', { reason: 'completed' }),
  };
}

export type OrderTransitions = ReturnType<typeof createOrderTransitions>;
