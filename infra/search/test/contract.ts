import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  InvalidSearchCursorError,
  type SearchIndex,
  type SearchQuery,
  type SearchSort,
} from '../src/index';
import { CATALOG, CATEGORY, PRODUCT } from './catalog';

export interface ContractTarget {
  index: SearchIndex;
  cleanup(): Promise<void>;
}

const ids = (result: { hits: Array<{ productId: string }> }) => result.hits.map((h) => h.productId);
const sum = (items: Array<{ count: number }>) =>
  items.reduce((total, item) => total + item.count, 0);
const byPrice = (direction: 1 | -1) =>
  [...CATALOG]
    .sort((a, b) => direction * (a.priceMin - b.priceMin) || (a.productId < b.productId ? -1 : 1))
    .map((d) => d.productId);

/**
 * The search port contract: every adapter must pass it. `open` returns an empty, initialised
 * index; the suite loads the fixed catalog with `replaceAll`.
 */
export function searchContract(open: () => Promise<ContractTarget>): void {
  let target: ContractTarget;
  let index: SearchIndex;
  const search = (query: Omit<SearchQuery, 'first'> & { first?: number }) =>
    index.search({ first: 20, ...query });

  /** Walks every page of `query` with page size 3 and returns the ids in order. */
  async function walk(query: Omit<SearchQuery, 'first'>): Promise<string[]> {
    const seen: string[] = [];
    let after: SearchQuery['after'];
    for (let page = 0; page < 10; page += 1) {
      const result = await index.search({ ...query, first: 3, after });
      seen.push(...ids(result));
      if (!result.hasNextPage) return seen;
      after = result.hits.at(-1)!.cursor;
    }
    throw new Error('pagination did not end');
  }

  beforeAll(async () => {
    target = await open();
    index = target.index;
    expect(await index.replaceAll(() => [CATALOG.slice(0, 5), CATALOG.slice(5)])).toBe(8);
  });
  afterAll(async () => target?.cleanup());

  it('should count the loaded documents', async () => {
    expect(await index.count()).toBe(8);
  });

  it('should rank an exact name match above a description-only match', async () => {
    const result = await search({ text: 'iphone' });
    const order = ids(result);
    expect(order).toHaveLength(3);
    expect(order.slice(0, 2).sort()).toEqual([PRODUCT.iphonePro, PRODUCT.iphone].sort());
    expect(order[2]).toBe(PRODUCT.galaxy);
    expect(result.hits[0]!.score).toBeGreaterThan(result.hits[2]!.score);
  });

  it('should find "iPhone" despite the typo "iphnoe"', async () => {
    const found = ids(await search({ text: 'iphnoe' }));
    expect(found).toContain(PRODUCT.iphonePro);
    expect(found).toContain(PRODUCT.iphone);
    expect(found).not.toContain(PRODUCT.knife);
  });

  it('should find "iPhone" by the prefix "ipho"', async () => {
    const found = ids(await search({ text: 'ipho' }));
    expect(found.slice(0, 2).sort()).toEqual([PRODUCT.iphonePro, PRODUCT.iphone].sort());
  });

  it('should require every word of the query', async () => {
    expect(ids(await search({ text: 'iphone pro' }))).toEqual([PRODUCT.iphonePro]);
    expect(ids(await search({ text: 'wireless headphones' }))).toEqual([PRODUCT.headphones]);
    const none = await search({ text: 'zzzzqqq' });
    expect(none.totalCount).toBe(0);
    expect(none.hits).toEqual([]);
  });

  it('should narrow by category, including descendant categories', async () => {
    const root = await search({ filter: { categoryIds: [CATEGORY.electronics] } });
    expect(root.totalCount).toBe(5);
    expect(ids(root).sort()).toEqual(
      [PRODUCT.iphonePro, PRODUCT.iphone, PRODUCT.galaxy, PRODUCT.buds, PRODUCT.headphones].sort(),
    );
    const leaf = await search({ text: 'black', filter: { categoryIds: [CATEGORY.phones] } });
    expect(ids(leaf).sort()).toEqual([PRODUCT.iphonePro, PRODUCT.galaxy].sort());
  });

  it('should filter by price range and stock', async () => {
    const priced = await search({ filter: { priceMin: 20_000, priceMax: 80_000 } });
    expect(ids(priced).sort()).toEqual(
      [PRODUCT.iphone, PRODUCT.galaxy, PRODUCT.headphones, PRODUCT.espresso].sort(),
    );
    const inStock = await search({ filter: { inStock: true } });
    expect(ids(inStock).sort()).toEqual(
      [PRODUCT.iphonePro, PRODUCT.galaxy, PRODUCT.buds, PRODUCT.knife, PRODUCT.espresso].sort(),
    );
    const outOfStockPhones = await search({
      filter: { inStock: false, categoryIds: [CATEGORY.phones] },
    });
    expect(ids(outOfStockPhones)).toEqual([PRODUCT.iphone]);
  });

  it('should filter by attributes (any value of a name, every name)', async () => {
    const black = await search({ filter: { attributes: [{ name: 'color', values: ['Black'] }] } });
    expect(ids(black).sort()).toEqual(
      [PRODUCT.iphonePro, PRODUCT.galaxy, PRODUCT.headphones].sort(),
    );
    const either = await search({
      filter: { attributes: [{ name: 'color', values: ['Black', 'White'] }] },
    });
    expect(either.totalCount).toBe(4);
    const both = await search({
      filter: {
        attributes: [
          { name: 'color', values: ['Black'] },
          { name: 'storage', values: ['256 GB'] },
        ],
      },
    });
    expect(ids(both)).toEqual([PRODUCT.iphonePro]);
  });

  it('should compute facets over the filtered set', async () => {
    const all = await search({});
    expect(all.totalCount).toBe(8);
    expect(all.facets.categories).toEqual(
      [
        { categoryId: CATEGORY.kitchen, count: 3 },
        { categoryId: CATEGORY.phones, count: 3 },
        { categoryId: CATEGORY.audio, count: 2 },
      ].sort((a, b) => b.count - a.count || (a.categoryId < b.categoryId ? -1 : 1)),
    );
    expect(all.facets.inStock).toEqual([
      { value: true, count: 5 },
      { value: false, count: 3 },
    ]);
    expect(all.facets.priceRanges).toEqual([
      { min: 2_500, max: 5_000, count: 2 },
      { min: 10_000, max: 25_000, count: 1 },
      { min: 25_000, max: 50_000, count: 2 },
      { min: 50_000, max: 100_000, count: 3 },
    ]);
    const color = all.facets.attributes.find((a) => a.name === 'color');
    expect(color?.values).toEqual([
      { value: 'Black', count: 3 },
      { value: 'White', count: 2 },
    ]);

    const filtered = await search({ filter: { inStock: true, priceMax: 90_000 } });
    expect(filtered.totalCount).toBe(4);
    expect(sum(filtered.facets.categories)).toBe(filtered.totalCount);
    expect(sum(filtered.facets.inStock)).toBe(filtered.totalCount);
    expect(sum(filtered.facets.priceRanges)).toBe(filtered.totalCount);
    expect(filtered.facets.inStock).toEqual([{ value: true, count: 4 }]);

    const text = await search({ text: 'wireless' });
    expect(text.totalCount).toBe(2);
    expect(text.facets.categories).toEqual([{ categoryId: CATEGORY.audio, count: 2 }]);
    expect(sum(text.facets.inStock)).toBe(2);
  });

  it('should sort by price ascending and descending and by newest', async () => {
    expect(ids(await search({ sort: 'PRICE_ASC' }))).toEqual(byPrice(1));
    expect(ids(await search({ sort: 'PRICE_DESC' }))).toEqual(byPrice(-1));
    const newest = [...CATALOG]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map((d) => d.productId);
    expect(ids(await search({ sort: 'NEWEST' }))).toEqual(newest);
    // Without text, RELEVANCE falls back to newest first.
    expect(ids(await search({}))).toEqual(newest);
    const phonesByPrice = await search({ text: 'phones', sort: 'PRICE_ASC' });
    expect(ids(phonesByPrice)).toEqual([PRODUCT.iphone, PRODUCT.galaxy, PRODUCT.iphonePro]);
  });

  it('should walk every result exactly once with cursors, for every sort', async () => {
    for (const sort of ['RELEVANCE', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST'] as SearchSort[]) {
      const walked = await walk({ sort });
      expect(walked).toHaveLength(8);
      expect(new Set(walked).size).toBe(8);
      expect(walked).toEqual(ids(await search({ sort })));
    }
    const relevance = await walk({ text: 'black' });
    expect(relevance).toEqual(ids(await search({ text: 'black' })));
    expect(relevance.length).toBeGreaterThanOrEqual(4);
    const page = await search({ first: 3 });
    expect(page.hits).toHaveLength(3);
    expect(page.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(8);
  });

  it('should reject a cursor of another sort', async () => {
    const page = await search({ sort: 'PRICE_ASC', first: 2 });
    await expect(search({ sort: 'NEWEST', after: page.hits[1]!.cursor })).rejects.toBeInstanceOf(
      InvalidSearchCursorError,
    );
  });

  it('should highlight matched terms with <em>', async () => {
    const result = await search({ text: 'iphone' });
    const pro = result.hits.find((h) => h.productId === PRODUCT.iphonePro)!;
    expect(pro.highlights).toContainEqual({ field: 'name', snippet: '<em>iPhone</em> 15 Pro' });
    const galaxy = result.hits.find((h) => h.productId === PRODUCT.galaxy)!;
    const description = galaxy.highlights.find((h) => h.field === 'description');
    expect(description?.snippet).toContain('<em>iPhone</em>');
  });

  it('should upsert, replace and remove single documents', async () => {
    const knife = CATALOG.find((d) => d.productId === PRODUCT.knife)!;
    await index.upsert([{ ...knife, name: 'Santoku Knife', inStock: false }]);
    expect(ids(await search({ text: 'santoku' }))).toEqual([PRODUCT.knife]);
    expect(ids(await search({ text: 'chef' }))).toEqual([]);
    expect((await search({ filter: { inStock: false } })).totalCount).toBe(4);
    await index.remove([PRODUCT.knife, '20000000-0000-4000-8000-0000000000ff']);
    expect(await index.count()).toBe(7);
    expect(ids(await search({ text: 'santoku' }))).toEqual([]);
    await index.upsert([knife]);
    expect(await index.count()).toBe(8);
    expect(ids(await search({ text: 'chef' }))).toEqual([PRODUCT.knife]);
  });
}
