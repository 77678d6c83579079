import type { Identity } from '@shop/auth';
import type { Actor } from '../state-machine';

/** Who acts on an order, and who may see it. */

/** The order subgraph itself (payment events, the payment window). */
export const SYSTEM: Actor = { kind: 'SYSTEM' };

/** The actor an API caller acts as. */
export function actorOf(identity: Identity): Actor {
  if (identity.roles.includes('ADMIN')) return { kind: 'ADMIN', userId: identity.userId };
  if (identity.roles.includes('SERVICE')) return { kind: 'SYSTEM', userId: identity.userId };
  return { kind: 'CUSTOMER', userId: identity.userId };
}

/** True when `identity` may read `order`: its owner, an admin, or another subgraph. */
export function canSeeOrder(identity: Identity | null, order: { userId: string }): boolean {
  if (!identity) return false;
  return (
    order.userId === identity.userId ||
    identity.roles.includes('ADMIN') ||
    identity.roles.includes('SERVICE')
  );
}
