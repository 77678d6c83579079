/**
 * Domain types of the catalog and the storage port the service depends on. Nothing here knows
 * about drizzle or GraphQL, so `service.ts` can be tested against any implementation.
 */
import type { EventData } from '@shop/events';

export const PRODUCT_STATUSES = ['DRAFT', 'PUBLISHED'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** A name/value pair describing a variant, e.g. `color: Black`. */
export interface VariantAttribute {
  name: string;
  value: string;
}

export interface Category {
  id: string;
  slug: string;
  name: string;
  description: string;
  parentId: string | null;
  position: number;
  createdAt: Date;
}

export interface Product {
  id: string;
  slug: string;
  name: string;
  description: string;
  status: ProductStatus;
  categoryId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Variant {
  id: string;
  productId: string;
  sku: string;
  name: string;
  priceAmount: number;
  currency: string;
  stockOnHand: number;
  attributes: VariantAttribute[];
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Position of a product in the stable (createdAt, id) order; what a cursor encodes. */
export interface ProductKey {
  createdAt: Date;
  id: string;
}

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

/** Catalog event types (topic `catalog.events.v1`, key = productId; DOMAIN.md §6.7). */
export type CatalogEventType =
  | 'product.created'
  | 'product.updated'
  | 'product.published'
  | 'product.unpublished'
  | 'product.deleted'
  | 'variant.created'
  | 'variant.updated'
  | 'variant.deleted'
  | 'price.changed';

/** A catalog change, written to the outbox in the transaction of the change. */
export type CatalogEvent = {
  [TType in CatalogEventType]: {
    type: TType;
    productId: string;
    /** Per-product ordering hint: the change time in epoch milliseconds. */
    sequence: number;
    /** Payload as its contract says; `productId` is added to it. */
    data: Omit<EventData<TType>, 'productId'>;
  };
}[CatalogEventType];

/** Storage for the catalog. Implemented with drizzle in `repo.ts`. */
export interface CatalogRepo {
  /** Runs `fn` in one transaction; everything it wrote is rolled back if it throws. */
  transaction<T>(fn: (repo: CatalogRepo) => Promise<T>): Promise<T>;

  categoriesByIds(ids: string[]): Promise<Category[]>;
  categoryBySlug(slug: string): Promise<Category | undefined>;
  rootCategories(): Promise<Category[]>;
  childCategories(parentIds: string[]): Promise<Category[]>;
  /** The category and its ancestors, root first. */
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
