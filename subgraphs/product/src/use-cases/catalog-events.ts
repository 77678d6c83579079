import type { EventData } from '@shop/events';
import type { CatalogEvent, CatalogEventType, Product, Variant } from '../model';

/**
 * A catalog event of `productId` at `at` (its time is the per-product sequence), `data` typed
 * by the event's contract.
 */
export const catalogEvent = <TType extends CatalogEventType>(
  type: TType,
  productId: string,
  at: Date,
  data: Omit<EventData<TType>, 'productId'>,
): CatalogEvent => ({ type, productId, sequence: at.getTime(), data }) as CatalogEvent;

/** The product fields carried by product events. */
export const productData = (product: Product) => ({
  slug: product.slug,
  name: product.name,
  status: product.status,
  categoryId: product.categoryId,
});

/** The variant fields carried by variant events. */
export const variantData = (variant: Variant) => ({
  variantId: variant.id,
  sku: variant.sku,
  name: variant.name,
  price: { amountMinor: variant.priceAmount, currency: variant.currency },
  stockOnHand: variant.stockOnHand,
  attributes: variant.attributes,
});
