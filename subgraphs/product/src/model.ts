/**
 * Domain types of the catalog (the storage port is in `ports.ts`). Nothing here knows about
 * drizzle or GraphQL.
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

export type ReservationFailureCode = 'OUT_OF_STOCK' | 'VARIANT_NOT_FOUND' | 'PRODUCT_UNAVAILABLE';

/** One reserved line of an order, with the variant's product, names and unit price. */
export interface ReservedLine {
  variantId: string;
  productId: string;
  sku: string;
  productName: string;
  variantName: string;
  quantity: number;
  unitPrice: { amount: number; currencyCode: string };
}

/** Why a line of an order could not be reserved. */
export interface ReservationFailure {
  variantId: string;
  code: ReservationFailureCode;
  requested: number;
  available: number;
}

/** The outcome of reserving an order's stock: every line reserved, or the failures. */
export interface ReserveResult {
  ok: boolean;
  lines: ReservedLine[];
  failures: ReservationFailure[];
}

/** Position of a product in the stable (createdAt, id) order; what a cursor encodes. */
export interface ProductKey {
  createdAt: Date;
  id: string;
}

/** Catalog event types (topic `catalog.events.v1`, key = productId; docs/DOMAIN.md §7). */
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
