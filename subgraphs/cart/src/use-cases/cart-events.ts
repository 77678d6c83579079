import { newEvent, TOPICS, type EventData, type EventType, type NewEvent } from '@shop/events';
import type { CartRow } from '../tables';

/** The event types the cart writes (`cart.events.v1`). */
type CartEventType = Extract<EventType, `cart.${string}`>;

/**
 * A `cart.*` outbox event about `cart` at `version` (its sequence); `data` adds to the ids and
 * is typed by the event's contract.
 */
export const cartEvent = <TType extends CartEventType>(
  cart: Pick<CartRow, 'id' | 'userId'>,
  type: TType,
  version: number,
  data: Omit<EventData<TType>, 'cartId' | 'userId' | 'version'>,
): NewEvent =>
  newEvent({
    type,
    source: 'cart',
    topic: TOPICS.cart,
    subject: cart.id,
    sequence: version,
    actor: cart.userId ? { userId: cart.userId } : { anonymousId: cart.id },
    data: { cartId: cart.id, userId: cart.userId, version, ...data } as EventData<TType>,
  });
