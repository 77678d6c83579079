import type { NewEvent } from '@shop/events';
import type {
  CatalogEvent,
  Category,
  Product,
  ProductKey,
  ProductStatus,
  ReservedLine,
  Variant,
} from './model';

/*
 * The interfaces the catalog and stock use cases (`use-cases/`) depend on. The search port,
 * `SearchIndex`, comes from `@shop/search`.
 */

export interface ProductFilter {
  /** Case-insensitive substring of the name, matched literally (no wildcards). */
  nameContains?: string | undefined;
  /** Categories whose products match (already expanded to descendants by the caller or not). */
  categoryId?: string | undefined;
  /** Statuses that may be returned; an empty list matches nothing. */
  statuses: ProductStatus[];
}

export type ProductPatch = Partial<
  Pick<Product, 'slug' | 'name' | 'description' | 'categoryId' | 'status' | 'updatedAt'>
>;
export type VariantPatch = Partial<
  Pick<Variant, 'name' | 'priceAmount' | 'currency' | 'stockOnHand' | 'attributes' | 'updatedAt'>
>;

/** Storage for the catalog (implemented over drizzle by `createCatalogRepo`). */
export interface CatalogStore {
  /** Runs `fn` in one transaction; everything it wrote is rolled back if it throws. */
  transaction<T>(fn: (tx: CatalogStore) => Promise<T>): Promise<T>;

  categoriesByIds(ids: string[]): Promise<Category[]>;
  categoryBySlug(slug: string): Promise<Category | undefined>;
  rootCategories(): Promise<Category[]>;
  childCategories(parentIds: string[]): Promise<Category[]>;
  /** Root-first ancestor chains (the category last) of some categories, in one query. */
  categoryPaths(ids: string[]): Promise<Map<string, Category[]>>;
  insertCategory(category: Category): Promise<Category>;

  productsByIds(ids: string[]): Promise<Product[]>;
  productBySlug(slug: string): Promise<Product | undefined>;
  /** Locks the product row until the transaction ends (`select … for update`). */
  lockProduct(id: string): Promise<Product | undefined>;
  /** Products in (createdAt, id) order after `after`, at most `limit`. */
  listProducts(options: {
    filter: ProductFilter;
    after?: ProductKey | undefined;
    limit: number;
  }): Promise<Product[]>;
  countProducts(filter: ProductFilter): Promise<number>;
  /** Number of rows in the product table, whatever their status. */
  countAllProducts(): Promise<number>;
  /** Throws `DuplicateKeyError('slug')` when the slug is taken. */
  insertProduct(product: Product): Promise<Product>;
  /** Throws `DuplicateKeyError('slug')` when the new slug is taken. */
  updateProduct(id: string, patch: ProductPatch): Promise<Product | undefined>;
  deleteProduct(id: string): Promise<boolean>;
  slugTaken(slug: string): Promise<boolean>;

  variantsByIds(ids: string[]): Promise<Variant[]>;
  variantsByProductIds(productIds: string[]): Promise<Variant[]>;
  existingSkus(skus: string[]): Promise<string[]>;
  /** Throws `DuplicateKeyError('sku')` when a SKU is taken. */
  insertVariants(variants: Variant[]): Promise<Variant[]>;
  updateVariant(id: string, patch: VariantPatch): Promise<Variant | undefined>;
  deleteVariant(id: string): Promise<boolean>;

  /** Appends catalog events to the outbox (inside `transaction`, they commit with the change). */
  appendEvents(events: CatalogEvent[]): Promise<void>;
}

/** A unique constraint rejected a write; `key` names the column. */
export class DuplicateKeyError extends Error {
  constructor(readonly key: 'slug' | 'sku') {
    super(`duplicate ${key}`);
    this.name = 'DuplicateKeyError';
  }
}

/** What the catalog writes depend on: the store, new ids and the time of a change. */
export interface CatalogWriteDeps {
  store: CatalogStore;
  newId: () => string;
  now: () => Date;
}

/** A reservation row of an order that changed status, with its variant and quantity. */
export interface ReservationChange {
  variantId: string;
  quantity: number;
}

/**
 * Storage for stock and reservations, bound to one transaction (implemented over SQL by
 * `createStockStore`).
 */
export interface StockStore {
  /** Serialises reservations of one order (retries of a checkout) until the transaction ends. */
  lockOrder(orderId: string): Promise<void>;
  /** The order's reservation lines with their status, in variant id order. */
  reservationsOf(orderId: string): Promise<Array<{ line: ReservedLine; status: string }>>;
  /**
   * Takes `quantity` units of a variant of a published product if that many are on hand (one
   * conditional update); undefined when not.
   */
  takeStock(variantId: string, quantity: number): Promise<ReservedLine | undefined>;
  /** The stock on hand of a variant and its product's status; undefined for an unknown variant. */
  stockState(variantId: string): Promise<{ stockOnHand: number; status: string } | undefined>;
  /** Records a reservation that expires after `ttlSeconds`. */
  insertReservation(reservation: {
    orderId: string;
    variantId: string;
    quantity: number;
    ttlSeconds: number;
  }): Promise<void>;
  /** Stock on hand per variant. */
  stockOf(variantIds: string[]): Promise<Map<string, number>>;
  /** Marks the order's RESERVED or COMMITTED reservations RELEASED; returns them. */
  releaseReservations(orderId: string): Promise<ReservationChange[]>;
  /** Puts `quantity` units back on hand. */
  returnStock(variantId: string, quantity: number): Promise<void>;
  /** Marks the order's RESERVED reservations COMMITTED; returns them. */
  commitReservations(orderId: string): Promise<ReservationChange[]>;
  /** Appends inventory events to the outbox (they commit with the change). */
  appendEvents(events: NewEvent[]): Promise<void>;
}

/** Runs `fn` in one transaction with a stock store bound to it. */
export type StockTransaction = <T>(fn: (tx: StockStore) => Promise<T>) => Promise<T>;
