import type { CartPorts } from '../ports';
import type { CartHead, CartSnapshot } from '../repo';
import type { CartRow } from '../tables';
import { isUuid } from '../tokens';
import type { Caller } from './cart-change';

/** Reading carts: by guest token, the user's active cart, by id; all through the cache. */
export function createCartReads({
  repo,
  tokens,
  cache,
}: Pick<CartPorts, 'repo' | 'tokens' | 'cache'>) {
  /** Reads a cart through the cache: Postgres gives the version, Redis the versioned snapshot. */
  const readSnapshot = async (head: CartHead | undefined): Promise<CartSnapshot | null> => {
    if (!head) return null;
    const cached = await cache.get(head.id, head.version);
    if (cached) return cached;
    const snapshot = await repo.loadSnapshot(head.id);
    if (!snapshot) return null;
    await cache.set(snapshot);
    return snapshot;
  };

  return {
    /** The signed guest token of a guest cart; null for a user's cart. */
    tokenFor: (cart: Pick<CartRow, 'id' | 'userId'>) => (cart.userId ? null : tokens.sign(cart.id)),

    /**
     * A cart by guest token: null when the token is forged or the cart belongs to someone else.
     * `load` reads the cart by id: resolvers pass the request's batch loader, so any number of
     * `cart(cartToken)` fields in one operation (aliases) cost one read, not one each.
     */
    async cartByToken(
      caller: Caller,
      cartToken: string,
      load: (cartId: string) => Promise<CartSnapshot | null | undefined> = async (cartId) =>
        readSnapshot(await repo.findHead(cartId)),
    ): Promise<CartSnapshot | null> {
      const cartId = tokens.verify(cartToken);
      if (!cartId) return null;
      const cart = await load(cartId);
      if (!cart || (cart.userId !== null && cart.userId !== caller?.userId)) return null;
      return cart;
    },

    /** The user's ACTIVE cart, or null. */
    async activeCartOf(userId: string): Promise<CartSnapshot | null> {
      return readSnapshot(await repo.findActiveHeadForUser(userId));
    },

    /**
     * Carts by id (missing ids are absent), through the cache like {@link readSnapshot}: one
     * query for the heads and two for the snapshots not cached, for any number of ids.
     * Visibility is the caller's concern.
     */
    async cartsByIds(ids: string[]): Promise<Map<string, CartSnapshot>> {
      const found = new Map<string, CartSnapshot>();
      const heads = await repo.findHeads(ids.filter(isUuid));
      const missing: string[] = [];
      await Promise.all(
        heads.map(async (head) => {
          const cached = await cache.get(head.id, head.version);
          if (cached) found.set(head.id, cached);
          else missing.push(head.id);
        }),
      );
      const loaded = await repo.loadSnapshots(missing);
      await Promise.all(loaded.map((snapshot) => cache.set(snapshot)));
      for (const snapshot of loaded) found.set(snapshot.id, snapshot);
      return found;
    },
  };
}
