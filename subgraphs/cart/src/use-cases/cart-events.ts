import { TOPICS, type NewEvent } from '@shop/events';
import type { CartRow } from '../tables';

/** A `cart.*` outbox event about `cart` at `version` (its sequence); `data` adds to the ids. */
export const cartEvent = (
  cart: Pick<CartRow, 'id' | 'userId'>,
  type: string,
  version: number,
  data: Record<string, unknown>,
): NewEvent => ({
  type,
  source: 'cart',
  topic: TOPICS.cart,
  subject: cart.id,
  sequence: version,
  actor: cart.userId ? { userId: cart.userId } : { anonymousId: cart.id },
  data: { cartId: cart.id, userId: cart.userId, version, ...data },
});
