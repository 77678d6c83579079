import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { withTransaction, type Db } from '@shop/db';
import { appendToOutbox, type NewEvent } from '@shop/events';
import type { CartQueries, CartStore } from './ports';
import { cartLines, carts, type CartLineRow, type CartRow, type CartStatus } from './tables';

/** A cart row with its lines in display order. */
export type CartSnapshot = CartRow & { lines: CartLineRow[] };

/** The id and version of a cart: enough to find its cached snapshot. */
export interface CartHead {
  id: string;
  version: number;
}

export type NewCart = Pick<CartRow, 'id' | 'userId' | 'status' | 'currencyCode' | 'version'>;
export type NewCartLine = Omit<CartLineRow, 'createdAt' | 'updatedAt'>;
export type CartPatch = Partial<
  Pick<
    CartRow,
    'userId' | 'status' | 'currencyCode' | 'version' | 'mergedInto' | 'orderId' | 'claimedAt'
  >
>;

const headColumns = { id: carts.id, version: carts.version };

/** Every query of the cart subgraph, bound to a drizzle db or transaction. */
export function createCartQueries(db: Db): CartQueries {
  const repo: CartQueries = {
    async findHead(id: string): Promise<CartHead | undefined> {
      return (await db.select(headColumns).from(carts).where(eq(carts.id, id)))[0];
    },

    /** Heads of some carts (missing ids are absent), in one query. */
    async findHeads(ids: string[]): Promise<CartHead[]> {
      if (ids.length === 0) return [];
      return db.select(headColumns).from(carts).where(inArray(carts.id, ids));
    },

    async findActiveHeadForUser(userId: string): Promise<CartHead | undefined> {
      return (
        await db
          .select(headColumns)
          .from(carts)
          .where(and(eq(carts.userId, userId), eq(carts.status, 'ACTIVE')))
      )[0];
    },

    async loadSnapshot(id: string): Promise<CartSnapshot | undefined> {
      const [cart] = await db.select().from(carts).where(eq(carts.id, id));
      if (!cart) return undefined;
      return { ...cart, lines: await repo.linesOf(id) };
    },

    /** Snapshots of some carts with their lines: two queries for any number of carts. */
    async loadSnapshots(ids: string[]): Promise<CartSnapshot[]> {
      if (ids.length === 0) return [];
      const rows = await db.select().from(carts).where(inArray(carts.id, ids));
      if (rows.length === 0) return [];
      const lines = await db
        .select()
        .from(cartLines)
        .where(
          inArray(
            cartLines.cartId,
            rows.map((row) => row.id),
          ),
        )
        .orderBy(asc(cartLines.position), asc(cartLines.id));
      return rows.map((row) => ({ ...row, lines: lines.filter((line) => line.cartId === row.id) }));
    },

    async linesOf(cartId: string): Promise<CartLineRow[]> {
      return db
        .select()
        .from(cartLines)
        .where(eq(cartLines.cartId, cartId))
        .orderBy(asc(cartLines.position), asc(cartLines.id));
    },

    /** Reads and row-locks a cart (inside a transaction). */
    async lockCart(id: string): Promise<CartRow | undefined> {
      return (await db.select().from(carts).where(eq(carts.id, id)).for('update'))[0];
    },

    /** Reads and row-locks the user's ACTIVE cart (inside a transaction). */
    async lockActiveCartForUser(userId: string): Promise<CartRow | undefined> {
      return (
        await db
          .select()
          .from(carts)
          .where(and(eq(carts.userId, userId), eq(carts.status, 'ACTIVE')))
          .for('update')
      )[0];
    },

    async insertCart(cart: NewCart): Promise<CartRow> {
      const [row] = await db.insert(carts).values(cart).returning();
      return row!;
    },

    async updateCart(id: string, patch: CartPatch): Promise<CartRow> {
      const [row] = await db
        .update(carts)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(carts.id, id))
        .returning();
      return row!;
    },

    async insertLines(lines: NewCartLine[]): Promise<void> {
      if (lines.length > 0) await db.insert(cartLines).values(lines);
    },

    async setLineQuantity(lineId: string, quantity: number): Promise<void> {
      await db
        .update(cartLines)
        .set({ quantity, updatedAt: sql`now()` })
        .where(eq(cartLines.id, lineId));
    },

    async deleteLines(lineIds: string[]): Promise<void> {
      if (lineIds.length > 0) await db.delete(cartLines).where(inArray(cartLines.id, lineIds));
    },

    /**
     * Marks an ACTIVE or CHECKING_OUT cart CONVERTED into `orderId` (whichever checkout held the
     * claim: the order exists, so the cart is ordered); returns the updated row, or undefined when
     * the cart is neither.
     */
    async markConverted(id: string, orderId: string): Promise<CartRow | undefined> {
      const [row] = await db
        .update(carts)
        .set({
          status: 'CONVERTED' satisfies CartStatus,
          orderId,
          claimedAt: null,
          version: sql`${carts.version} + 1`,
          updatedAt: sql`now()`,
        })
        .where(
          and(
            eq(carts.id, id),
            inArray(carts.status, ['ACTIVE', 'CHECKING_OUT'] satisfies CartStatus[]),
          ),
        )
        .returning();
      return row;
    },

    /**
     * Puts the checkout claim of `orderId` on a cart (row-locked by the caller): CHECKING_OUT,
     * claimed now (Postgres clock), version + 1.
     */
    async claimForOrder(id: string, orderId: string): Promise<CartRow> {
      const [row] = await db
        .update(carts)
        .set({
          status: 'CHECKING_OUT' satisfies CartStatus,
          orderId,
          claimedAt: sql`now()`,
          version: sql`${carts.version} + 1`,
          updatedAt: sql`now()`,
        })
        .where(eq(carts.id, id))
        .returning();
      return row!;
    },

    /** True when the claim of a CHECKING_OUT cart is older than `ttlSeconds` (Postgres clock). */
    async isClaimStale(id: string, ttlSeconds: number): Promise<boolean> {
      const [row] = await db
        .select({
          stale: sql<boolean>`${carts.claimedAt} < now() - make_interval(secs => ${ttlSeconds})`,
        })
        .from(carts)
        .where(eq(carts.id, id));
      return row?.stale === true;
    },

    async appendEvents(events: NewEvent[]): Promise<void> {
      await appendToOutbox(db, 'cart', events);
    },
  };
  return repo;
}

/**
 * The cart repository: the queries plus `transaction(fn)`, which hands `fn` queries bound to one
 * transaction; outbox rows written through it commit or roll back with the cart change.
 */
export function createCartRepo(db: Db): CartStore {
  return {
    ...createCartQueries(db),
    transaction: (fn) => withTransaction(db, (tx) => fn(createCartQueries(tx))),
  };
}
