import type { NewEvent } from '@shop/events';
import type { CartHead, CartPatch, CartSnapshot, NewCart, NewCartLine } from './repo';
import type { CartLineRow, CartRow } from './tables';
import type { CartTokens } from '@shop/auth';

/**
 * The ports of the cart use cases (`use-cases/`): what they need from Postgres, the product
 * subgraph, the cache and the outbox. The adapters are `repo.ts`, `products.ts` and `cache.ts`.
 */

/** Where cart events go: outbox rows written in the transaction of the change they record. */
export interface EventOutbox {
  appendEvents(events: NewEvent[]): Promise<void>;
}

/** Every query of the cart, bound to the pool or to one transaction (row locks need one). */
export interface CartQueries extends EventOutbox {
  findHead(id: string): Promise<CartHead | undefined>;
  /** Heads of some carts (missing ids are absent), in one query. */
  findHeads(ids: string[]): Promise<CartHead[]>;
  findActiveHeadForUser(userId: string): Promise<CartHead | undefined>;
  loadSnapshot(id: string): Promise<CartSnapshot | undefined>;
  /** Snapshots of some carts with their lines: two queries for any number of carts. */
  loadSnapshots(ids: string[]): Promise<CartSnapshot[]>;
  linesOf(cartId: string): Promise<CartLineRow[]>;
  /** Reads and row-locks a cart (inside a transaction). */
  lockCart(id: string): Promise<CartRow | undefined>;
  /** Reads and row-locks the user's ACTIVE cart (inside a transaction). */
  lockActiveCartForUser(userId: string): Promise<CartRow | undefined>;
  insertCart(cart: NewCart): Promise<CartRow>;
  updateCart(id: string, patch: CartPatch): Promise<CartRow>;
  insertLines(lines: NewCartLine[]): Promise<void>;
  setLineQuantity(lineId: string, quantity: number): Promise<void>;
  deleteLines(lineIds: string[]): Promise<void>;
  /**
   * Marks an ACTIVE or CHECKING_OUT cart CONVERTED into `orderId`; undefined when the cart is
   * neither.
   */
  markConverted(id: string, orderId: string): Promise<CartRow | undefined>;
  /** Puts the checkout claim of `orderId` on a row-locked cart: CHECKING_OUT, version + 1. */
  claimForOrder(id: string, orderId: string): Promise<CartRow>;
  /** True when the claim of a CHECKING_OUT cart is older than `ttlSeconds` (Postgres clock). */
  isClaimStale(id: string, ttlSeconds: number): Promise<boolean>;
}

/**
 * The cart tables: the queries on the pool, and `transaction(fn)`, which hands `fn` the queries
 * bound to one transaction (outbox rows written through it commit or roll back with the change).
 */
export interface CartStore extends CartQueries {
  transaction<T>(fn: (tx: CartQueries) => Promise<T>): Promise<T>;
}

/** What the cart needs to know about a variant, as product answers it. */
export interface VariantInfo {
  id: string;
  sku: string;
  name: string;
  price: { amount: number; currencyCode: string };
  stockOnHand: number;
  product: { id: string; name: string; status: string } | null;
}

/** Looks variants up in the product subgraph; null entries are variants that do not exist. */
export interface ProductCatalog {
  /** One `_entities` call for all ids; throws when product cannot answer. */
  fetchVariants(ids: string[]): Promise<Map<string, VariantInfo | null>>;
}

/** Read-through cache of cart snapshots keyed by version; never fails a request. */
export interface CartCache {
  get(id: string, version: number): Promise<CartSnapshot | undefined>;
  set(snapshot: CartSnapshot): Promise<void>;
  /** Hits, misses and swallowed errors/timeouts, for logs and tests. */
  stats(): { hits: number; misses: number; errors: number };
  close(): Promise<void>;
}

/** Everything the cart use cases are built from; each takes the few it needs. */
export interface CartPorts {
  repo: CartStore;
  catalog: ProductCatalog;
  tokens: CartTokens;
  cache: CartCache;
}
