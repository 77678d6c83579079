import { describe, expect, it } from 'vitest';
import { createBatchLoader } from '@shop/subgraph';
import { escapeLike } from '../src/repo';
import { buildSeedCatalog, stableId } from '../src/seed';
import { MAX_UNIT_PRICE_MINOR } from '@shop/subgraph';
import { isUuid } from '@shop/primitives';
import { checkPrice, checkSlug, checkStock, slugify } from '../src/validation';

describe('catalog validation', () => {
  it.each([
    ['Läptop Stand 2', 'laptop-stand-2'],
    ["  Chef's Knife 8-inch ", 'chef-s-knife-8-inch'],
    ['Galaxy S24+', 'galaxy-s24'],
    ['%%%', ''],
  ])('should slugify %j as %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('should accept only lowercase dash-separated slugs', () => {
    expect(checkSlug('iphone-15', ['slug'])).toBeUndefined();
    expect(checkSlug('iPhone', ['slug'])?.code).toBe('INVALID_INPUT');
    expect(checkSlug('a--b', ['slug'])?.code).toBe('INVALID_INPUT');
    expect(checkSlug('', ['slug'])?.code).toBe('INVALID_INPUT');
  });

  it('should accept whole non-negative prices in three-letter currencies only', () => {
    expect(checkPrice({ amount: 0, currencyCode: 'USD' }, ['p'])).toBeUndefined();
    expect(checkPrice({ amount: -1, currencyCode: 'USD' }, ['p'])).toMatchObject({
      code: 'INVALID_PRICE',
      field: ['p', 'amount'],
    });
    expect(checkPrice({ amount: 1.5, currencyCode: 'USD' }, ['p'])?.code).toBe('INVALID_PRICE');
    expect(checkPrice({ amount: 1, currencyCode: 'US' }, ['p'])?.code).toBe('INVALID_CURRENCY');
    // Bounded well inside safe integers; currencies from the ISO 4217 list, exactly.
    expect(
      checkPrice({ amount: MAX_UNIT_PRICE_MINOR, currencyCode: 'USD' }, ['p']),
    ).toBeUndefined();
    for (const amount of [MAX_UNIT_PRICE_MINOR + 1, Number.MAX_SAFE_INTEGER]) {
      expect(checkPrice({ amount, currencyCode: 'USD' }, ['p'])).toMatchObject({
        code: 'INVALID_PRICE',
        field: ['p', 'amount'],
      });
    }
    for (const currencyCode of ['XYZ', 'usd', '', 'XXX', 'USDD']) {
      expect(checkPrice({ amount: 1, currencyCode }, ['p'])).toMatchObject({
        code: 'INVALID_CURRENCY',
        field: ['p', 'currencyCode'],
      });
    }
    for (const currencyCode of ['EUR', 'JPY', 'GBP', 'CHF']) {
      expect(checkPrice({ amount: 1, currencyCode }, ['p'])).toBeUndefined();
    }
    expect(checkStock(-1, ['s'])?.code).toBe('INVALID_STOCK');
    expect(checkStock(2.5, ['s'])?.code).toBe('INVALID_STOCK');
  });

  it('should escape LIKE wildcards', () => {
    expect(escapeLike('100%_a\\b')).toBe('100\\%\\_a\\\\b');
  });
});

describe('demo catalog', () => {
  const catalog = buildSeedCatalog();

  it('should be deterministic with valid, unique ids, slugs and SKUs', () => {
    expect(buildSeedCatalog()).toEqual(catalog);
    const unique = (values: string[]) => new Set(values).size === values.length;
    expect(unique(catalog.products.map((p) => p.slug))).toBe(true);
    expect(unique(catalog.categories.map((c) => c.slug))).toBe(true);
    expect(unique(catalog.variants.map((v) => v.sku))).toBe(true);
    expect(
      unique([...catalog.products, ...catalog.variants, ...catalog.categories].map((r) => r.id)),
    ).toBe(true);
    for (const row of [...catalog.products, ...catalog.variants]) expect(isUuid(row.id)).toBe(true);
    expect(stableId('x')).toBe(stableId('x'));
  });

  it('should hold at least 60 products with 1 to 3 USD variants each', () => {
    expect(catalog.products.length).toBeGreaterThanOrEqual(60);
    expect(catalog.categories.filter((c) => c.parentId === null).length).toBeGreaterThanOrEqual(4);
    for (const product of catalog.products) {
      const variants = catalog.variants.filter((v) => v.productId === product.id);
      expect(variants.length).toBeGreaterThanOrEqual(1);
      expect(variants.length).toBeLessThanOrEqual(3);
      for (const variant of variants) {
        expect(variant.currency).toBe('USD');
        expect(Number.isInteger(variant.priceAmount)).toBe(true);
        expect(variant.stockOnHand).toBeGreaterThanOrEqual(0);
        expect(variant.stockOnHand).toBeLessThanOrEqual(100);
      }
    }
  });
});

describe('batch loader', () => {
  it('should load the keys asked for in one tick with one call', async () => {
    const calls: string[][] = [];
    const load = createBatchLoader<string>(async (keys) => {
      calls.push(keys);
      return new Map(keys.map((key) => [key, key.toUpperCase()]));
    });
    const values = await Promise.all([load('a'), load('b'), load('a'), load('zz')]);
    expect(values).toEqual(['A', 'B', 'A', 'ZZ']);
    expect(calls).toEqual([['a', 'b', 'zz']]);
    expect(await load('c')).toBe('C');
    expect(calls).toHaveLength(2);
  });

  it('should reject every waiter when the batch fails', async () => {
    const load = createBatchLoader<string>(async () => {
      throw new Error('boom');
    });
    await expect(Promise.all([load('a'), load('b')])).rejects.toThrow('boom');
  });
});
