/**
 * Pure input checks for the catalog. Each returns `undefined` when the value is fine, or the
 * failure to report, so the service can stop at the first problem with a precise `field` path.
 */

import { isCurrencyCode, MAX_UNIT_PRICE_MINOR } from '@shop/subgraph';
import type { VariantAttribute } from './model';

export const MAX_NAME_LENGTH = 200;
export const MAX_SLUG_LENGTH = 120;
export const MAX_SKU_LENGTH = 64;
export const MAX_DESCRIPTION_LENGTH = 10_000;
export const MAX_ATTRIBUTES = 20;
export const MAX_VARIANTS = 100;

export type CatalogErrorCode =
  | 'SLUG_TAKEN'
  | 'SKU_TAKEN'
  | 'CATEGORY_NOT_FOUND'
  | 'PRODUCT_NOT_FOUND'
  | 'VARIANT_NOT_FOUND'
  | 'INVALID_PRICE'
  | 'INVALID_CURRENCY'
  | 'CURRENCY_MISMATCH'
  | 'INVALID_STOCK'
  | 'INVALID_INPUT'
  | 'NO_VARIANTS';

/** An expected failure, reported to the client as a `CatalogUserError`. */
export interface CatalogFailure {
  ok: false;
  code: CatalogErrorCode;
  message: string;
  field?: string[];
}

export const failure = (
  code: CatalogErrorCode,
  message: string,
  field?: string[],
): CatalogFailure => ({ ok: false, code, message, ...(field ? { field } : {}) });

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `"Läptop Stand 2"` → `"laptop-stand-2"`. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
}

export function checkName(name: string, field: string[]): CatalogFailure | undefined {
  const trimmed = name.trim();
  if (trimmed.length === 0) return failure('INVALID_INPUT', 'Name must not be empty', field);
  if (trimmed.length > MAX_NAME_LENGTH) {
    return failure('INVALID_INPUT', `Name must be at most ${MAX_NAME_LENGTH} characters`, field);
  }
  return undefined;
}

export function checkSlug(slug: string, field: string[]): CatalogFailure | undefined {
  if (slug.length > MAX_SLUG_LENGTH || !SLUG_PATTERN.test(slug)) {
    return failure(
      'INVALID_INPUT',
      `Slug must be lowercase letters, digits and single dashes (at most ${MAX_SLUG_LENGTH})`,
      field,
    );
  }
  return undefined;
}

export function checkDescription(description: string, field: string[]): CatalogFailure | undefined {
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    return failure(
      'INVALID_INPUT',
      `Description must be at most ${MAX_DESCRIPTION_LENGTH} characters`,
      field,
    );
  }
  return undefined;
}

export function checkSku(sku: string, field: string[]): CatalogFailure | undefined {
  if (sku.length > MAX_SKU_LENGTH || !SKU_PATTERN.test(sku)) {
    return failure(
      'INVALID_INPUT',
      `SKU must be letters, digits, '.', '_' or '-' (at most ${MAX_SKU_LENGTH})`,
      field,
    );
  }
  return undefined;
}

export function checkPrice(
  price: { amount: number; currencyCode: string },
  field: string[],
): CatalogFailure | undefined {
  if (
    !Number.isSafeInteger(price.amount) ||
    price.amount < 0 ||
    price.amount > MAX_UNIT_PRICE_MINOR
  ) {
    return failure(
      'INVALID_PRICE',
      `Price must be a whole number of minor units from 0 to ${MAX_UNIT_PRICE_MINOR}`,
      [...field, 'amount'],
    );
  }
  if (!isCurrencyCode(price.currencyCode)) {
    return failure('INVALID_CURRENCY', 'Currency must be an active ISO 4217 code such as USD', [
      ...field,
      'currencyCode',
    ]);
  }
  return undefined;
}

export function checkStock(stock: number, field: string[]): CatalogFailure | undefined {
  if (!Number.isInteger(stock) || stock < 0 || stock > 2_147_483_647) {
    return failure('INVALID_STOCK', 'Stock on hand must be a non-negative whole number', field);
  }
  return undefined;
}

export function checkAttributes(
  attributes: VariantAttribute[],
  field: string[],
): CatalogFailure | undefined {
  if (attributes.length > MAX_ATTRIBUTES) {
    return failure('INVALID_INPUT', `At most ${MAX_ATTRIBUTES} attributes per variant`, field);
  }
  const names = new Set<string>();
  for (const [index, attribute] of attributes.entries()) {
    const name = attribute.name.trim();
    if (name.length === 0 || name.length > 50 || attribute.value.length > 200) {
      return failure(
        'INVALID_INPUT',
        'Attribute names must be 1–50 characters and values at most 200',
        [...field, String(index)],
      );
    }
    if (names.has(name)) {
      return failure('INVALID_INPUT', `Attribute "${name}" is given twice`, [
        ...field,
        String(index),
      ]);
    }
    names.add(name);
  }
  return undefined;
}
