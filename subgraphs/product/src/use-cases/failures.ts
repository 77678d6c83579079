import { failure } from '../validation';

/* The failures several catalog writes report, each at the input field `field`. */

export const productNotFound = (field: string[]) =>
  failure('PRODUCT_NOT_FOUND', 'No product with this id', field);

export const variantNotFound = (field: string[]) =>
  failure('VARIANT_NOT_FOUND', 'No variant with this id', field);

export const categoryNotFound = (field: string[]) =>
  failure('CATEGORY_NOT_FOUND', 'No category with this id', field);

export const skuTaken = (field: string[]) =>
  failure('SKU_TAKEN', 'A variant with this SKU already exists', field);

export const slugTaken = (field: string[]) =>
  failure('SLUG_TAKEN', 'A product with this slug already exists', field);

/** A variant priced in another currency than the product's `currency`. */
export const currencyMismatch = (currency: string) =>
  failure(
    'CURRENCY_MISMATCH',
    `This product is priced in ${currency}; all variants must use one currency`,
    ['input', 'price', 'currencyCode'],
  );
