import type { Variant, VariantAttribute } from '../model';
import type { CatalogWriteDeps } from '../ports';
import {
  checkAttributes,
  checkName,
  checkPrice,
  checkSku,
  checkStock,
  type CatalogFailure,
} from '../validation';

export interface MoneyInput {
  amount: number;
  currencyCode: string;
}

/** A new variant as the caller gives it (on a new product or added to one). */
export interface VariantInput {
  sku: string;
  name: string;
  price: MoneyInput;
  stockOnHand: number;
  attributes?: VariantAttribute[] | null | undefined;
}

/** The first problem of a variant input, reported under `field`, or undefined. */
export function checkVariant(input: VariantInput, field: string[]): CatalogFailure | undefined {
  return (
    checkSku(input.sku.trim(), [...field, 'sku']) ??
    checkName(input.name, [...field, 'name']) ??
    checkPrice(input.price, [...field, 'price']) ??
    checkStock(input.stockOnHand, [...field, 'stockOnHand']) ??
    checkAttributes(input.attributes ?? [], [...field, 'attributes'])
  );
}

/** A checked variant input as the row to insert (names trimmed), at `position` of the product. */
export function newVariant(
  clock: Pick<CatalogWriteDeps, 'newId' | 'now'>,
  productId: string,
  input: VariantInput,
  position: number,
): Variant {
  const at = clock.now();
  return {
    id: clock.newId(),
    productId,
    sku: input.sku.trim(),
    name: input.name.trim(),
    priceAmount: input.price.amount,
    currency: input.price.currencyCode,
    stockOnHand: input.stockOnHand,
    attributes: (input.attributes ?? []).map((a) => ({ name: a.name.trim(), value: a.value })),
    position,
    createdAt: at,
    updatedAt: at,
  };
}
